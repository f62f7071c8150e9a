// The reports and output formats by name: kept apart from the builders and renderers (templates,
// Graphviz, Chromium) so the CLI can list and check them without loading any of those.
export const REPORT_IDS = ['residency', 'dr_coverage', 'forensics'] as const;
export type ReportId = (typeof REPORT_IDS)[number];
/** html, pdf and json are the report itself; oscal, ocsf and csv are its findings for other tools */
export const FORMATS = ['html', 'pdf', 'json', 'oscal', 'ocsf', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
