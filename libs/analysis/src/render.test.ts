import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, RenderError, findChromium, groupedBarFigure, groupedBoxFigure, heatmapFigure, renderPngs, writeFigure, writeFigures } from './index';

const spec = heatmapFigure({
  title: 'render test',
  x: ['a', 'b', 'c'],
  y: ['r1', 'r2'],
  z: [
    [0, 0.5, 1],
    [1, null, 0.25],
  ],
  width: 640,
  height: 420,
});

/** Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) to count non-white pixels and colours. */
function pngPixels(file: string): { width: number; height: number; nonWhite: number; colours: number } {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = new Uint8Array(stride);
  const row = new Uint8Array(stride);
  let nonWhite = 0;
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (row[x - channels] as number) : 0;
      const b = prev[x] as number;
      const c = x >= channels ? (prev[x - channels] as number) : 0;
      const p = a + b - c;
      const pred = [0, a, b, Math.floor((a + b) / 2), Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][filter] as number;
      row[x] = (v + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const [r, g, bl] = [row[x * channels], row[x * channels + 1], row[x * channels + 2]] as number[];
      if (r! < 250 || g! < 250 || bl! < 250) nonWhite++;
      colours.add((r! << 16) | (g! << 8) | bl!);
    }
    prev.set(row);
  }
  return { width, height, nonWhite, colours: colours.size };
}

const box = groupedBoxFigure({
  title: 'box test',
  categories: ['m1', 'm2'],
  series: [0, 1, 2].map((leaf) => ({ name: `leaf ${leaf}`, boxes: [0, 1].map((c) => ({ q1: 60 + 5 * leaf + c, median: 70 + 5 * leaf, q3: 80 + 2 * leaf, lowerfence: 40, upperfence: 95, mean: 68 + 5 * leaf })) })),
  xTitle: 'metric',
  yTitle: 'accuracy (%)',
  legendTitle: 'leaf',
  width: 700,
  height: 450,
});
const bars = groupedBarFigure({ title: 'bar test', categories: ['a', 'b', 'c'], series: [{ name: 's', values: [3, 1, 2] }], yTitle: 'y', width: 600, height: 400 });
const bundle = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js'));

describe('writeFigure', () => {
  it('writes one plotly.min.js per output folder and HTML pages that load it by relative path (offline, no CDN)', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'fsnas-fig-')), mkdtempSync(join(tmpdir(), 'fsnas-fig-'))];
    const first = await writeFigures({ heat: spec, box, bars }, a, { png: false });
    await writeFigures({ heat2: spec }, a, { png: false });
    await writeFigure(spec, b, 'alone', { png: false });
    expect(readdirSync(a).sort()).toEqual(['bars.html', 'box.html', 'heat.html', 'heat2.html', 'plotly.min.js']);
    expect(readdirSync(b).sort()).toEqual(['alone.html', 'plotly.min.js']);
    for (const dir of [a, b]) expect(readFileSync(join(dir, 'plotly.min.js')).equals(bundle)).toBe(true);
    const html = readFileSync(first[0]!.html, 'utf8');
    expect(html).toContain('<script src="./plotly.min.js"></script>');
    expect(html.length).toBeLessThan(20_000);
    expect(html).toContain('"type":"heatmap"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(first.map((f) => f.png)).toEqual([undefined, undefined, undefined]);
    await expect(writeFigure(spec, a, '../escape')).rejects.toThrow(/plain file name/);
  });

  it("plotly: 'inline' writes one self-contained page (the bundle inlined, no plotly.min.js beside it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const out = await writeFigure(spec, dir, 'single', { png: false, plotly: 'inline' });
    const html = readFileSync(out.html, 'utf8');
    expect(html.length).toBeGreaterThan(bundle.length);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(readdirSync(dir)).toEqual(['single.html']);
  });

  it('without Chromium, writes the HTML and throws a typed error saying how to install it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const env = { ...process.env, FSNAS_CHROMIUM: join(dir, 'no-such-chromium') };
    await expect(writeFigure(spec, dir, 'no-chromium', { env })).rejects.toThrow(ChromiumNotFoundError);
    await expect(writeFigure(spec, dir, 'no-chromium', { env })).rejects.toThrow(/apt-get install -y chromium/);
    expect(existsSync(join(dir, 'no-chromium.html'))).toBe(true);
  });

  const chromium = findChromium();
  if (!chromium) console.warn('render.test: skipping the PNG tests: Chromium is not installed (apt-get install -y chromium)');
  it.skipIf(!chromium)('renders a batch of figures with ONE headless Chromium, isolated and offline, each PNG drawn at its size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    // A launcher that logs each launch's arguments, then runs the real Chromium.
    const launches = join(dir, 'launches.log');
    const launcher = join(dir, 'chromium-counting.sh');
    writeFileSync(launcher, `#!/bin/sh\necho "$*" >> '${launches}'\nexec '${chromium}' "$@"\n`);
    chmodSync(launcher, 0o755);
    const out = await writeFigures({ heat: spec, box, bars }, join(dir, 'out'), { env: { ...process.env, FSNAS_CHROMIUM: launcher } });
    const lines = readFileSync(launches, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const flag of ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']) {
      expect(lines[0]!.split(' ')).toContain(flag);
    }
    const profile = /--user-data-dir=(\S+)/.exec(lines[0]!)?.[1];
    expect(profile).toBeDefined();
    expect(existsSync(profile!)).toBe(false); // a fresh profile, removed afterwards
    expect(out.map((f) => f.name)).toEqual(['heat', 'box', 'bars']);
    const sizes = { heat: [640, 420], box: [700, 450], bars: [600, 400] } as const;
    for (const f of out) {
      const px = pngPixels(f.png as string);
      expect([px.width, px.height]).toEqual(sizes[f.name as keyof typeof sizes]);
      // Drawn, not blank: a good share of non-white pixels and many colours (marks, text, axes).
      expect(px.nonWhite / (px.width * px.height)).toBeGreaterThan(f.name === 'heat' ? 0.1 : 0.02);
      expect(px.colours).toBeGreaterThan(50);
    }
  });

  it.skipIf(!chromium)('a page whose plotly.min.js is missing is a RenderError naming it, at once (no fixed wait)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const [page] = await writeFigures({ heat: spec }, dir, { png: false });
    rmSync(join(dir, 'plotly.min.js'));
    const started = Date.now();
    const job = { html: page!.html, png: join(dir, 'heat.png'), width: 640, height: 420 };
    await expect(renderPngs([job], chromium!)).rejects.toThrow(RenderError);
    await expect(renderPngs([job], chromium!)).rejects.toThrow(/plotly could not draw .*heat\.html: error: plotly\.js did not load/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(existsSync(job.png)).toBe(false);
  });
});
