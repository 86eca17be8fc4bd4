import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FsnasError, InvalidInputError, writeFileAtomic } from '@fsnas/core';
import type { FigureSpec } from './figures';

/** No Chromium to render PNGs with: the HTML was still written; the message says how to install one. */
export class ChromiumNotFoundError extends FsnasError {
  constructor(readonly htmlPath: string) {
    super(
      'CHROMIUM_NOT_FOUND',
      `cannot render PNG: no headless Chromium found (looked at $FSNAS_CHROMIUM, then chromium / chromium-browser on PATH). ` +
        `Install it with 'apt-get install -y chromium' (Debian) or point FSNAS_CHROMIUM at a Chromium/Chrome binary. The HTML was written: ${htmlPath}`,
    );
  }
}

export class RenderError extends FsnasError {
  constructor(message: string) {
    super('RENDER_FAILED', message);
  }
}

let plotlyBundle: string | undefined;

/** The plotly.js-dist-min bundle, read once; inlined so each HTML works offline and forever. */
function plotlySource(): string {
  if (plotlyBundle === undefined) {
    const require = createRequire(import.meta.url);
    plotlyBundle = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  }
  return plotlyBundle;
}

/** JSON safe to embed in a <script> element (no `</script>`, no line separators JS chokes on). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A self-contained HTML page that draws the figure with the inlined plotly.js. */
export function figureHtml(spec: FigureSpec, title: string): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${safeTitle}</title>`,
    '<style>html,body{margin:0;padding:0;background:#fff}</style>',
    `<script>${plotlySource()}</script>`,
    '</head><body><div id="figure"></div>',
    `<script>const spec = ${scriptJson({ data: spec.data, layout: spec.layout })};`,
    // `?static` (used for the PNG) drops the hover toolbar, which would otherwise show in screenshots.
    "const still = new URLSearchParams(location.search).has('static');",
    "Plotly.newPlot('figure', spec.data, spec.layout, { displaylogo: false, responsive: false, displayModeBar: !still, staticPlot: still });</script>",
    '</body></html>',
  ].join('\n');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** $FSNAS_CHROMIUM, else `chromium` or `chromium-browser` on PATH; undefined when none is found. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['FSNAS_CHROMIUM'];
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Screenshot an HTML file with headless Chromium, isolated in a fresh profile with networking off. */
export function renderPng(htmlPath: string, pngPath: string, width: number, height: number, chromium: string): void {
  const profile = mkdtempSync(join(tmpdir(), 'fsnas-chromium-'));
  const tmpPng = `${pngPath}.tmp-${process.pid}.png`;
  try {
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${tmpPng}`,
        `--window-size=${width},${height}`,
        '--virtual-time-budget=5000',
        `${pathToFileURL(htmlPath).href}?static`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    let size = 0;
    try {
      size = statSync(tmpPng).size;
    } catch {
      size = 0;
    }
    if (result.error || result.status !== 0 || size === 0) {
      const why = result.error ? result.error.message : `exit status ${result.status}`;
      const tail = `${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new RenderError(`chromium could not render ${htmlPath} to PNG (${why}): ${tail}`);
    }
    writeFileAtomic(pngPath, readFileSync(tmpPng));
  } finally {
    rmSync(profile, { recursive: true, force: true });
    rmSync(tmpPng, { force: true });
  }
}

export interface WrittenFigure {
  readonly html: string;
  readonly png?: string;
}

/**
 * Write `<outDir>/<name>.html` (self-contained) and `<outDir>/<name>.png` (headless Chromium). Without
 * Chromium the HTML is still written and a ChromiumNotFoundError says how to install it; pass
 * `{ png: false }` to write the HTML only.
 */
export function writeFigure(spec: FigureSpec, outDir: string, name: string, options: { png?: boolean; env?: NodeJS.ProcessEnv } = {}): WrittenFigure {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new InvalidInputError(`figure name must be a plain file name (letters, digits, . _ -), got ${JSON.stringify(name)}`);
  const html = resolve(outDir, `${name}.html`);
  writeFileAtomic(html, figureHtml(spec, name));
  if (options.png === false) return { html };
  const chromium = findChromium(options.env);
  if (!chromium) throw new ChromiumNotFoundError(html);
  const png = resolve(outDir, `${name}.png`);
  renderPng(html, png, spec.width, spec.height, chromium);
  return { html, png };
}

/** Write every figure of a finding (name -> spec) into `outDir`; see writeFigure. */
export function writeFigures(figures: Readonly<Record<string, FigureSpec>>, outDir: string, options: { png?: boolean; env?: NodeJS.ProcessEnv } = {}): (WrittenFigure & { name: string })[] {
  return Object.entries(figures).map(([name, spec]) => ({ name, ...writeFigure(spec, outDir, name, options) }));
}
