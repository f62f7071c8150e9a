// HTML: the report's view model laid out by its Handlebars template (compiled strict, always
// escaping). Shared fragments are partials in templates/partials/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Finding } from './model.ts';

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

/** Passing findings beyond this many are left to the JSON view; fail and unknown are always shown. */
export const MAX_PASSING_SHOWN = 200;

let hbs: typeof Handlebars | null = null;
const compiled = new Map<string, HandlebarsTemplateDelegate>();

function engine(): typeof Handlebars {
  if (hbs) return hbs;
  const h = Handlebars.create();
  const dir = join(TEMPLATES_DIR, 'partials');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.hbs'))) {
    h.registerPartial(f.replace(/\.hbs$/, ''), readFileSync(join(dir, f), 'utf8'));
  }
  hbs = h;
  return h;
}

export function template(id: string): HandlebarsTemplateDelegate {
  let t = compiled.get(id);
  if (!t) {
    const text = readFileSync(join(TEMPLATES_DIR, `${id}.hbs`), 'utf8');
    t = engine().compile(text, { strict: true, noEscape: false });
    compiled.set(id, t);
  }
  return t;
}

type WithFindings = { findings: (Finding & { chain?: unknown[]; flags?: string[] })[] };

/** Renders a report's model to a self-contained HTML page. */
export function renderHtml(id: string, model: WithFindings & Record<string, unknown>): string {
  const shownPass: typeof model.findings = [];
  const shown: typeof model.findings = [];
  for (const f of model.findings) {
    if (f.status !== 'pass') shown.push(f);
    else if (shownPass.length < MAX_PASSING_SHOWN) shownPass.push(f);
  }
  const findings_shown = [...shown, ...shownPass].map((f) => ({ chain: [], flags: [], ...f }));
  return template(id)({
    ...model,
    findings_shown,
    findings_hidden: model.findings.length - findings_shown.length,
  });
}
