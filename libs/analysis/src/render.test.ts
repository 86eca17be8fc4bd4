import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, findChromium, heatmapFigure, writeFigure } from './index';

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

describe('writeFigure', () => {
  it('writes a self-contained HTML page with the inlined plotly bundle and the figure data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const out = writeFigure(spec, dir, 'html-only', { png: false });
    const html = readFileSync(out.html, 'utf8');
    expect(html.length).toBeGreaterThan(1_000_000); // plotly.min.js is inlined, no CDN
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('"type":"heatmap"');
    expect(html).toContain("Plotly.newPlot('figure'");
    expect(out.png).toBeUndefined();
    expect(() => writeFigure(spec, dir, '../escape')).toThrow(/plain file name/);
  });

  it('without Chromium, writes the HTML and throws a typed error saying how to install it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const env = { ...process.env, FSNAS_CHROMIUM: join(dir, 'no-such-chromium') };
    expect(() => writeFigure(spec, dir, 'no-chromium', { env })).toThrow(ChromiumNotFoundError);
    expect(() => writeFigure(spec, dir, 'no-chromium', { env })).toThrow(/apt-get install -y chromium/);
    expect(existsSync(join(dir, 'no-chromium.html'))).toBe(true);
  });

  const chromium = findChromium();
  if (!chromium) console.warn('render.test: skipping the PNG test: Chromium is not installed (apt-get install -y chromium)');
  it.skipIf(!chromium)('renders a non-trivial PNG of the requested size with headless Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-fig-'));
    const out = writeFigure(spec, dir, 'heatmap');
    const px = pngPixels(out.png as string);
    expect([px.width, px.height]).toEqual([640, 420]);
    // A drawn heatmap: several percent of the pixels coloured, many distinct colours (cells, text, colour bar).
    expect(px.nonWhite / (px.width * px.height)).toBeGreaterThan(0.1);
    expect(px.colours).toBeGreaterThan(50);
  });
});
