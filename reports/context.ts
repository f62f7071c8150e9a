// What every report is built from: the store (read only), the config, the window, and a record of
// each query run with its parameters, which goes into the evidence manifest.
import type { z } from 'zod';
import type { Config } from '../core/config.ts';
import { type Params, type Store, sqlText } from '../queries/store.ts';

export interface QueryRecord {
  name: string;
  params: Params;
  rows: number;
}

export interface ReportWindow {
  since: string | null;
  until: string | null;
  /** the instant ages are measured at: --until, else the end of ingested coverage (never later than now) */
  asOf: string;
}

export class ReportContext {
  readonly queries: QueryRecord[] = [];

  constructor(
    readonly store: Store,
    readonly config: Config,
    readonly window: ReportWindow,
    readonly generatedAt: string,
    readonly subject: string | null = null,
  ) {}

  async all<T extends z.ZodType>(name: string, schema: T, params: Params = {}): Promise<z.infer<T>[]> {
    const rows = await this.store.all(name, schema, params);
    this.queries.push({ name, params, rows: rows.length });
    return rows;
  }

  async one<T extends z.ZodType>(name: string, schema: T, params: Params = {}): Promise<z.infer<T>> {
    const row = await this.store.one(name, schema, params);
    this.queries.push({ name, params, rows: 1 });
    return row;
  }

  /** since/until as bound parameters */
  get range(): Params {
    return { since: this.window.since, until: this.window.until };
  }

  /** the manifest's query texts: each distinct query once, with every parameter set it ran with */
  queryTexts(): { name: string; sql: string; runs: { params: Params; rows: number }[] }[] {
    const byName = new Map<string, { params: Params; rows: number }[]>();
    for (const q of this.queries) {
      const runs = byName.get(q.name) ?? [];
      runs.push({ params: q.params, rows: q.rows });
      byName.set(q.name, runs);
    }
    return [...byName].map(([name, runs]) => ({ name, sql: sqlText(name), runs }));
  }
}
