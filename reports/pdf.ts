// PDF: a print of the report's HTML through headless Chromium (puppeteer-core). The page runs with
// JavaScript disabled and every request but the report file itself is aborted, so nothing a record
// smuggled into the HTML can load or run. Chromium is @sparticuz/chromium (inside the npm package)
// unless the config or COPYTRAIL_CHROMIUM names "system" or a binary.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { escapeMarkup } from './svg.ts';

export class PdfError extends Error {}

// no background networking, no component or field-trial downloads, no GPU; the sandbox needs
// user namespaces that containers and root shells often lack
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-quic',
  '--no-pings',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
];

export async function chromiumPath(choice: string): Promise<string> {
  const pick = process.env.COPYTRAIL_CHROMIUM || choice;
  if (pick === 'bundled') {
    const { default: chromium } = await import('@sparticuz/chromium');
    return chromium.executablePath();
  }
  const path = pick === 'system' ? '/usr/bin/chromium' : pick;
  if (!existsSync(path)) {
    throw new PdfError(
      `Chromium not found at ${path} (reports.chromium or COPYTRAIL_CHROMIUM; "bundled" uses the one shipped with copytrail)`,
    );
  }
  return path;
}

export interface PrintOptions {
  title: string;
  generatedAt: string;
  /** printed in every page's footer, so a loose page names the report it came from */
  reportId?: string;
  paper: 'A4' | 'Letter';
  /** tag the structure for screen readers (config reports.pdf_tagged); default off, see below */
  tagged?: boolean;
}

// Chromium renders these templates apart from the page, with the page's classes pageNumber and
// totalPages filled in; everything else in them is our text, escaped like the report's.
const PAGE_STYLE =
  'font-size:7pt;color:#5d6d7e;width:100%;padding:0 12mm;display:flex;justify-content:space-between;font-family:Helvetica,Arial,sans-serif';

export function pageTemplates(options: PrintOptions): { header: string; footer: string } {
  const id = options.reportId ? `report ${escapeMarkup(options.reportId)} · ` : '';
  return {
    header: `<div style="${PAGE_STYLE}"><span>${escapeMarkup(options.title)}</span><span>copytrail · confidential: contains audit evidence</span></div>`,
    footer: `<div style="${PAGE_STYLE}"><span>${id}generated ${escapeMarkup(options.generatedAt)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
  };
}

export interface PrintResult {
  pdf: Buffer;
  /** every URL the page asked for other than the report itself: all were aborted */
  blocked: string[];
}

/** How many times a report tries to start Chromium before it fails. */
export const LAUNCH_ATTEMPTS = 2;

export class PdfRenderer {
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'copytrail-pdf-'));
  private n = 0;

  constructor(private readonly chromium: string) {}

  /**
   * Starts Chromium now, without waiting: a report calls this before it reads the store, so the
   * browser's start (its own process; the first start also unpacks it) overlaps building the model.
   * A failure to start is reported by the print that needs the browser.
   */
  warm(): void {
    this.launch().catch(() => {});
  }

  private launch(): Promise<Browser> {
    if (this.browser) return Promise.resolve(this.browser);
    // one start, however many callers ask while it runs; a failed start is tried again next time
    this.launching ??= this.start().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async start(): Promise<Browser> {
    const executablePath = await chromiumPath(this.chromium);
    // a browser that dies as it starts (killed by a signal on a busy machine) is started once more
    // before the report fails; each attempt has a profile of its own
    const failures: string[] = [];
    for (let attempt = 1; attempt <= LAUNCH_ATTEMPTS; attempt++) {
      try {
        this.browser = await puppeteer.launch({
          executablePath,
          headless: true,
          // Lambda has no /dev/shm, few processes and no zygote: Chromium must run in one process there
          args: process.env.AWS_LAMBDA_FUNCTION_NAME ? [...ARGS, '--single-process', '--no-zygote'] : ARGS,
          userDataDir: join(this.dir, `profile-${attempt}`),
        });
        return this.browser;
      } catch (cause) {
        failures.push(`attempt ${attempt}: ${(cause as Error).message.trim()}`);
      }
    }
    throw new PdfError(`could not start Chromium (${executablePath}): ${failures.join('; ')}`);
  }

  async print(html: string, options: PrintOptions): Promise<PrintResult> {
    const browser = await this.launch();
    const file = join(this.dir, `report-${++this.n}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage();
    const blocked: string[] = [];
    try {
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        // data: URIs are the report's own inline pictures: no network is involved
        if (req.url() === url || req.url().startsWith('data:')) void req.continue();
        else {
          blocked.push(req.url());
          void req.abort('blockedbyclient');
        }
      });
      await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
      const { header, footer } = pageTemplates(options);
      const pdf = await page.pdf({
        format: options.paper,
        // audit tables are wide: landscape keeps ids and timestamps on one line
        landscape: true,
        printBackground: true,
        // no structure tree unless asked for: Chromium tags every text run (each id part, each <span>)
        // as an element of its own, 21k objects and nine tenths of a 3 MB, 59-page residency PDF;
        // untagged, the same pages print in 0.35 MB and a third less time. The text stays selectable
        // and searchable either way.
        tagged: options.tagged ?? false,
        displayHeaderFooter: true,
        headerTemplate: header,
        footerTemplate: footer,
        margin: { top: '16mm', bottom: '14mm', left: '12mm', right: '12mm' },
        timeout: 300_000,
      });
      return { pdf: Buffer.from(pdf), blocked };
    } finally {
      await page.close().catch(() => {});
      rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    // a start still under way ends in a browser that must be closed too
    await this.launching?.catch(() => {});
    await this.browser?.close().catch(() => {});
    this.browser = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
