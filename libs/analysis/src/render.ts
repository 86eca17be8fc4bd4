import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
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

/**
 * How an HTML figure gets plotly.js. `directory` (default): one `plotly.min.js` beside the figures,
 * loaded by relative path (plotly's include_plotlyjs='directory'): a folder of figures holds the 4.8 MB
 * bundle once and works offline as a whole. `inline`: the bundle inside the page, for a single file
 * that must work alone (mailed, or shown where its folder is not).
 */
export type PlotlyMode = 'directory' | 'inline';

/** The name of the shared bundle in a figure folder. */
export const PLOTLY_FILE = 'plotly.min.js';

let plotlyBundle: Buffer | undefined;

/** The plotly.js-dist-min bundle, read once. */
function plotlyBuffer(): Buffer {
  if (plotlyBundle === undefined) {
    const require = createRequire(import.meta.url);
    plotlyBundle = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'));
  }
  return plotlyBundle;
}

/** `<dir>/plotly.min.js`, written once per folder (rewritten only if it is not the bundle). */
export function ensurePlotlyBundle(dir: string): string {
  const file = resolve(dir, PLOTLY_FILE);
  const bundle = plotlyBuffer();
  let current: Buffer | undefined;
  try {
    current = statSync(file).size === bundle.length ? readFileSync(file) : undefined;
  } catch {
    current = undefined;
  }
  if (!current?.equals(bundle)) writeFileAtomic(file, bundle);
  return file;
}

/** JSON safe to embed in a <script> element (no `</script>`, no line separators JS chokes on). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * An HTML page that draws the figure with plotly.js, from `./plotly.min.js` (mode `directory`) or
 * inlined (mode `inline`). When plotly has drawn it (the promise of Plotly.newPlot, then the fonts),
 * the page sets `window.fsnasRendered`; a failure sets `window.fsnasRenderError`. The PNG renderer
 * waits for one of them.
 */
export function figureHtml(spec: FigureSpec, title: string, plotly: PlotlyMode = 'directory'): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${safeTitle}</title>`,
    '<style>html,body{margin:0;padding:0;background:#fff}</style>',
    plotly === 'inline' ? `<script>${plotlyBuffer().toString('utf8')}</script>` : `<script src="./${PLOTLY_FILE}"></script>`,
    '</head><body><div id="figure"></div>',
    `<script>const spec = ${scriptJson({ data: spec.data, layout: spec.layout })};`,
    // `?static` (used for the PNG) drops the hover toolbar, which would otherwise show in screenshots.
    "const still = new URLSearchParams(location.search).has('static');",
    "if (typeof Plotly === 'undefined') window.fsnasRenderError = 'plotly.js did not load (is ./plotly.min.js beside this page?)';",
    "else Plotly.newPlot('figure', spec.data, spec.layout, { displaylogo: false, responsive: false, displayModeBar: !still, staticPlot: still })",
    '  .then(() => document.fonts.ready).then(() => { window.fsnasRendered = true; }, (e) => { window.fsnasRenderError = String(e && e.message || e); });</script>',
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

/** The flags of every launch: headless, isolated in a fresh profile, no network of its own (this machine's is closed). */
export function chromiumArgs(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-extensions',
    '--disable-default-apps',
    '--mute-audio',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    // DevTools over fds 3/4 instead of a TCP port: nothing listens on the network.
    '--remote-debugging-pipe',
    'about:blank',
  ];
}

interface CdpReply {
  readonly id?: number;
  readonly sessionId?: string;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

/** A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (NUL-separated JSON). */
class DevtoolsPipe {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; sessionId: string | undefined; resolve: () => void }[] = [];
  private closed: Error | undefined;

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
    output.on('close', () => this.fail(new Error('the browser closed its DevTools pipe')));
    // A browser that dies makes writes fail with EPIPE: a failed render, not a crash of this process.
    output.on('error', (error) => this.fail(error));
    input.on('error', (error) => this.fail(error));
  }

  fail(error: Error): void {
    this.closed ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as CdpReply;
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) p?.reject(new Error(message.error.message));
        else p?.resolve(message.result ?? {});
      } else if (message.method) {
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          const w = this.waiters[i] as (typeof this.waiters)[number];
          if (w.method === message.method && w.sessionId === message.sessionId) {
            this.waiters.splice(i, 1);
            w.resolve();
          }
        }
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Resolves at the next `method` event of the session (register before triggering it). */
  event(method: string, sessionId?: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, sessionId, resolve }));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RenderError(what())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One PNG to render: an HTML figure page and the pixel size of its viewport. */
export interface PngJob {
  readonly html: string;
  readonly png: string;
  readonly width: number;
  readonly height: number;
}

export interface RenderOptions {
  /** Per figure: how long plotly may take to draw (default 60 s). */
  readonly timeoutMs?: number;
}

/** Polled inside the page until plotly has drawn (or failed): no fixed time budget. */
const RENDERED = `new Promise((resolve) => {
  const poll = () => window.fsnasRendered ? resolve('ok') : window.fsnasRenderError ? resolve('error: ' + window.fsnasRenderError) : setTimeout(poll, 25);
  poll();
})`;

/**
 * Screenshot every job's HTML page with ONE headless Chromium (fresh profile, no network, DevTools
 * over a pipe): each page is opened at its size, and captured once plotly reports it has drawn.
 */
export async function renderPngs(jobs: readonly PngJob[], chromium: string, options: RenderOptions = {}): Promise<void> {
  if (jobs.length === 0) return;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const profile = mkdtempSync(join(tmpdir(), 'fsnas-chromium-'));
  let stderr = '';
  let browser: ChildProcess | undefined;
  let pipe: DevtoolsPipe | undefined;
  const tail = (): string => stderr.trim().split('\n').slice(-3).join(' | ');
  try {
    browser = spawn(chromium, chromiumArgs(profile), { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    browser.stderr?.setEncoding('utf8');
    browser.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    const devtools = new DevtoolsPipe(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
    pipe = devtools;
    const exited = new Promise<never>((_, reject) => {
      browser?.on('error', (error) => reject(new RenderError(`cannot start chromium (${chromium}): ${error.message}`)));
      browser?.on('exit', (code, signal) => {
        const error = new RenderError(`chromium (${chromium}) exited early (${signal ?? `status ${code}`}): ${tail()}`);
        devtools.fail(error);
        reject(error);
      });
    });
    exited.catch(() => undefined);
    const cdp = (method: string, params?: Record<string, unknown>, sessionId?: string) => Promise.race([devtools.send(method, params, sessionId), exited]);
    const { targetId } = (await withTimeout(cdp('Target.createTarget', { url: 'about:blank' }), 30_000, () => `chromium did not answer on its DevTools pipe within 30 s: ${tail()}`)) as { targetId: string };
    const { sessionId } = (await cdp('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await cdp('Page.enable', {}, sessionId);
    for (const job of jobs) {
      await withTimeout(
        (async () => {
          await cdp('Emulation.setDeviceMetricsOverride', { width: job.width, height: job.height, deviceScaleFactor: 1, mobile: false }, sessionId);
          const loaded = devtools.event('Page.loadEventFired', sessionId);
          const nav = (await cdp('Page.navigate', { url: `${pathToFileURL(job.html).href}?static` }, sessionId)) as { errorText?: string };
          if (nav.errorText) throw new RenderError(`chromium could not open ${job.html}: ${nav.errorText}`);
          await loaded;
          const state = (await cdp('Runtime.evaluate', { expression: RENDERED, awaitPromise: true, returnByValue: true }, sessionId)) as { result?: { value?: string } };
          if (state.result?.value !== 'ok') throw new RenderError(`plotly could not draw ${job.html}: ${state.result?.value ?? 'no answer'}`);
          const shot = (await cdp('Page.captureScreenshot', { format: 'png', clip: { x: 0, y: 0, width: job.width, height: job.height, scale: 1 } }, sessionId)) as { data: string };
          const png = Buffer.from(shot.data, 'base64');
          if (png.length === 0) throw new RenderError(`chromium returned an empty screenshot of ${job.html}`);
          writeFileAtomic(job.png, png);
        })(),
        timeoutMs,
        () => `plotly did not finish drawing ${job.html} within ${timeoutMs / 1000} s`,
      );
    }
  } catch (error) {
    if (error instanceof RenderError) throw error;
    throw new RenderError(`chromium could not render PNGs: ${(error as Error).message}${tail() ? `: ${tail()}` : ''}`);
  } finally {
    if (browser) await stop(browser, pipe);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Close the browser (Browser.close), wait for it to exit, and end its process group (the one this renderer started) if it lingers. */
async function stop(browser: ChildProcess, pipe: DevtoolsPipe | undefined): Promise<void> {
  if (browser.exitCode !== null || browser.signalCode !== null || browser.pid === undefined) return;
  const pid = browser.pid;
  const gone = new Promise<void>((r) => browser.once('exit', () => r()));
  pipe?.send('Browser.close').catch(() => undefined);
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => kill('SIGTERM'), 5000);
  const hard = setTimeout(() => kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
  clearTimeout(hard);
}

export interface WrittenFigure {
  readonly html: string;
  readonly png?: string;
}

export interface WriteFigureOptions {
  /** Render PNGs too (default true). */
  readonly png?: boolean;
  /** How the HTML gets plotly.js (default `directory`: one plotly.min.js per folder). */
  readonly plotly?: PlotlyMode;
  readonly env?: NodeJS.ProcessEnv;
  readonly render?: RenderOptions;
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new InvalidInputError(`figure name must be a plain file name (letters, digits, . _ -), got ${JSON.stringify(name)}`);
}

/**
 * Write every figure (name -> spec) as `<outDir>/<name>.html` (with one `<outDir>/plotly.min.js`, or
 * self-contained with `plotly: 'inline'`) and `<outDir>/<name>.png`, all PNGs from one headless
 * Chromium. Without Chromium the HTML is still written and a ChromiumNotFoundError says how to
 * install it; `{ png: false }` writes the HTML only.
 */
export async function writeFigures(figures: Readonly<Record<string, FigureSpec>>, outDir: string, options: WriteFigureOptions = {}): Promise<(WrittenFigure & { name: string })[]> {
  const entries = Object.entries(figures);
  for (const [name] of entries) checkName(name);
  const plotly = options.plotly ?? 'directory';
  if (plotly === 'directory' && entries.length) ensurePlotlyBundle(outDir);
  const pages = entries.map(([name, spec]) => {
    const html = resolve(outDir, `${name}.html`);
    writeFileAtomic(html, figureHtml(spec, name, plotly));
    return { name, spec, html };
  });
  if (options.png === false) return pages.map(({ name, html }) => ({ name, html }));
  const chromium = findChromium(options.env);
  if (!chromium) throw new ChromiumNotFoundError(pages[0]?.html ?? outDir);
  const jobs = pages.map(({ spec, html, name }) => ({ name, html, png: resolve(outDir, `${name}.png`), width: spec.width, height: spec.height }));
  await renderPngs(jobs, chromium, options.render);
  return jobs.map(({ name, html, png }) => ({ name, html, png }));
}

/** One figure: see writeFigures. */
export async function writeFigure(spec: FigureSpec, outDir: string, name: string, options: WriteFigureOptions = {}): Promise<WrittenFigure> {
  const [written] = await writeFigures({ [name]: spec }, outDir, options);
  const { html, png } = written as WrittenFigure;
  return png ? { html, png } : { html };
}
