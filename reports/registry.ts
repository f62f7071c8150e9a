// The reports copytrail renders. A report id is its folder (reports/<id>/), its template
// (templates/<id>.hbs), its query folder (queries/reports/<id>/) and its CLI argument.
import type { z } from 'zod';
import type { ReportContext } from './context.ts';
import { buildDrCoverage, DrCoverageModel } from './dr_coverage/report.ts';
import { buildForensics, ForensicsModel } from './forensics/report.ts';
import type { ReportId } from './ids.ts';
import type { Finding, Header } from './model.ts';
import { buildResidency, ResidencyModel } from './residency/report.ts';

export { REPORT_IDS, type ReportId } from './ids.ts';

export interface ReportDefinition {
  id: ReportId;
  title: string;
  needsSubject: boolean;
  model: z.ZodType;
  build(ctx: ReportContext, header: Header): Promise<{ findings: Finding[] } & Record<string, unknown>>;
}

export const REPORTS: Record<ReportId, ReportDefinition> = {
  residency: {
    id: 'residency',
    title: 'Data residency report',
    needsSubject: false,
    model: ResidencyModel,
    build: buildResidency,
  },
  dr_coverage: {
    id: 'dr_coverage',
    title: 'Disaster-recovery coverage report',
    needsSubject: false,
    model: DrCoverageModel,
    build: buildDrCoverage,
  },
  forensics: {
    id: 'forensics',
    title: 'Forensics report',
    needsSubject: true,
    model: ForensicsModel,
    build: buildForensics,
  },
};
