// The machine-readable findings formats beside a report's HTML, PDF and JSON: OSCAL assessment
// results, OCSF Compliance Finding events and CSV, all written from one flat list of findings.
import type { Format, ReportId } from '../ids.ts';
import type { Finding, Header } from '../model.ts';
import { renderCsv } from './csv.ts';
import { renderOcsf } from './ocsf.ts';
import { renderOscal } from './oscal.ts';
import { findingsRun } from './records.ts';

export const FINDING_FORMATS = ['oscal', 'ocsf', 'csv'] as const;
export type FindingFormat = (typeof FINDING_FORMATS)[number];

/** Each format's file name after `<base>.` */
export const FINDING_EXT: Record<FindingFormat, string> = {
  oscal: 'oscal.json',
  ocsf: 'ocsf.jsonl',
  csv: 'findings.csv',
};

const RENDER = { oscal: renderOscal, ocsf: renderOcsf, csv: renderCsv } as const;

/** The findings formats asked for, in a fixed order. */
export function findingFormats(formats: readonly Format[]): FindingFormat[] {
  return FINDING_FORMATS.filter((f) => formats.includes(f));
}

export function renderFindings(
  format: FindingFormat,
  def: { id: ReportId; title: string },
  model: { findings: Finding[] } & Record<string, unknown>,
  header: Header,
): string {
  return RENDER[format](findingsRun(def.id, def.title, model, header));
}
