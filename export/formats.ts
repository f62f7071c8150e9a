// What `export` writes and in which formats: kept apart from the writers (DuckDB, Arrow) so the CLI
// can list and check them without loading either.
export const EXPORT_KINDS = ['lineage', 'events'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['parquet', 'csv', 'json', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
