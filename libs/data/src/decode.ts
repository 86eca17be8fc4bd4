import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { createRequire } from 'node:module';
import { CorruptDataError } from '@fsnas/core';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

/**
 * The decoders and their versions. Decoded-image caches record it, so a decoder upgrade (which may
 * change pixels by a level here and there) rebuilds them instead of mixing old and new decodes.
 */
export const DECODER_ID = `jpeg-js@${versionOf('jpeg-js')}+pngjs@${versionOf('pngjs')}`;

/** Decoded pixels, always 8-bit RGB interleaved (HWC, 3 channels). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type ImageFormat = 'jpeg' | 'png';

/** The format by file extension, or null when the name is not an image this library decodes. */
export function imageFormat(name: string): ImageFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'jpeg';
  if (lower.endsWith('.png')) return 'png';
  return null;
}

function jpegToRgb(bytes: Uint8Array): RgbImage {
  // tolerantDecoding off: a damaged file must fail loudly instead of decoding to grey garbage.
  // The size caps bound memory for a hostile header claiming a huge image.
  const out = decodeJpeg(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: 100,
    maxMemoryUsageInMB: 512,
  });
  if (out.data.length !== out.width * out.height * 3) {
    throw new Error(`decoder returned ${out.data.length} bytes for ${out.width}x${out.height} RGB`);
  }
  return { width: out.width, height: out.height, data: out.data };
}

function pngToRgb(bytes: Uint8Array): RgbImage {
  // pngjs expands every colour type and bit depth to 8-bit RGBA; the alpha channel is dropped.
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const n = png.width * png.height;
  const rgba = png.data;
  if (rgba.length !== n * 4) throw new Error(`decoder returned ${rgba.length} bytes for ${png.width}x${png.height} RGBA`);
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    data[3 * p] = rgba[4 * p] as number;
    data[3 * p + 1] = rgba[4 * p + 1] as number;
    data[3 * p + 2] = rgba[4 * p + 2] as number;
  }
  return { width: png.width, height: png.height, data };
}

/**
 * Decodes one JPEG or PNG file to RGB. `file` and `where` name it in the CorruptDataError raised for
 * undecodable bytes (e.g. `archive.tar`, `member train/cat/0001.jpg`).
 */
export function decodeImage(bytes: Uint8Array, format: ImageFormat, file: string, where: string): RgbImage {
  try {
    return format === 'jpeg' ? jpegToRgb(bytes) : pngToRgb(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CorruptDataError(file, where, `cannot decode ${format.toUpperCase()}: ${detail}`);
  }
}
