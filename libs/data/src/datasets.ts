import { basename, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { InvalidInputError, datasetSource, resolveDataFile, writableDataDir } from '@fsnas/core';
import { cachePath, readImageCache, sourceKey, writeImageCache } from './cache';
import { DECODER_ID } from './decode';
import { CIFAR10_CLASSES, readCifar100Binary, readCifar10Binary } from './cifar-binary';
import { type ImageFolderData, type ImageFolderOptions, readImageFolderTar } from './image-folder';
import type { Dataset, ImageSet } from './image-set';

/** Where the shared/official files sit, relative to a data folder (see @fsnas/core data discovery). */
export const CIFAR10_BINARY_DIR = 'cifar10/cifar-10-batches-bin';
export const CIFAR10_JPEG_TAR = 'cifar10/cifar10_jpeg.tar';
export const CIFAR100_BINARY_DIR = 'cifar100/cifar-100-binary';

export type Cifar10Source = 'auto' | 'binary' | 'jpeg-tar';

export interface CacheOptions {
  /** false: never read or write the decoded-image cache. A string: the cache folder. Default: `<data>/cache`. */
  readonly cache?: boolean | string;
  /** Silence progress and cache messages. */
  readonly quiet?: boolean;
  /** Environment for data discovery (tests point FSNAS_DATA_DIR elsewhere). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoadCifar10Options extends CacheOptions {
  /** 'auto' (default) uses the official binary if found, else the JPEG tar. */
  readonly source?: Cifar10Source;
  /** Explicit folder holding data_batch_1..5.bin + test_batch.bin (skips discovery). */
  readonly binaryDir?: string;
  /** Explicit image-folder tar (skips discovery). */
  readonly tarPath?: string;
}

export interface LoadCifar100Options extends CacheOptions {
  /** Explicit folder holding train.bin + test.bin (skips discovery). */
  readonly binaryDir?: string;
}

function log(options: CacheOptions, line: string): void {
  if (!options.quiet && process.env['FSNAS_QUIET'] !== '1') process.stderr.write(`fsnas data: ${line}\n`);
}

/**
 * Reads an image-folder tar through the decoded-image cache: a valid cache made from the same file
 * (path, size, mtime) and options is loaded in a fraction of a second; otherwise the archive is
 * decoded and the cache (re)written atomically.
 */
export function loadImageFolderTar(tarPath: string, options: ImageFolderOptions & CacheOptions): ImageFolderData {
  const readerOptions = {
    splits: [...options.splits],
    classes: options.classes ? [...options.classes] : null,
    maxPerClass: options.maxPerClass ?? null,
  };
  if (options.cache === false) return readImageFolderTar(tarPath, options);
  const key = sourceKey(`image-folder-tar/${DECODER_ID}`, resolve(tarPath), readerOptions);
  const tag = crc32(JSON.stringify([key.sourcePath, readerOptions])).toString(16).padStart(8, '0');
  const name = `${basename(tarPath).replace(/\.tar$/i, '')}-${tag}`;
  const path = cachePath(name, typeof options.cache === 'string' ? options.cache : join(writableDataDir(options.env), 'cache'));
  const cached = readImageCache(path, key);
  if (cached.ok) return { splits: cached.data.sets, classes: cached.data.classes };
  if (cached.reason !== 'no cache yet') log(options, `cache ${path} not used (${cached.reason}); rebuilding`);
  const data = readImageFolderTar(tarPath, options);
  try {
    writeImageCache(path, key, { sets: data.splits, classes: data.classes });
  } catch (error) {
    // A read-only data folder must not stop the run; it only costs the decode next time.
    log(options, `could not write cache ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return data;
}

type Cifar10Location = { readonly kind: 'binary'; readonly dir: string } | { readonly kind: 'jpeg-tar'; readonly path: string };

/**
 * Which CIFAR-10 files to read: explicit paths first, then data discovery. 'auto' takes the source
 * that @fsnas/core's datasetSource names (the binary when found, else the JPEG tar), which is also
 * what `fsnas data status` reports.
 */
function locateCifar10(options: LoadCifar10Options): Cifar10Location {
  const source = options.source ?? 'auto';
  const env = options.env;
  if (source === 'binary') return { kind: 'binary', dir: options.binaryDir ?? resolveDataFile(CIFAR10_BINARY_DIR, env) };
  if (source === 'jpeg-tar') return { kind: 'jpeg-tar', path: options.tarPath ?? resolveDataFile(CIFAR10_JPEG_TAR, env) };
  if (source !== 'auto') throw new InvalidInputError(`loadCifar10: source must be auto, binary or jpeg-tar, got '${String(source)}'`);
  if (options.binaryDir) return { kind: 'binary', dir: options.binaryDir };
  if (options.tarPath) return { kind: 'jpeg-tar', path: options.tarPath };
  const served = datasetSource('cifar10', env);
  if (served?.source.path === CIFAR10_BINARY_DIR) return { kind: 'binary', dir: served.found };
  if (served?.source.path === CIFAR10_JPEG_TAR) return { kind: 'jpeg-tar', path: served.found };
  // Neither form found: the error points the user at the official download, not at the re-encoded tar.
  return { kind: 'binary', dir: resolveDataFile(CIFAR10_BINARY_DIR, env) };
}

/**
 * CIFAR-10: 50,000 train + 10,000 test images, 32×32 RGB. The official binary release is preferred:
 * the JPEG tar is a lossy re-encoding in a different image order (docs/reference.md §7, shared data README).
 */
export function loadCifar10(options: LoadCifar10Options = {}): Dataset {
  const location = locateCifar10(options);
  if (location.kind === 'binary') {
    return { name: 'cifar10', ...readCifar10Binary(location.dir), source: `binary:${location.dir}` };
  }
  const data = loadImageFolderTar(location.path, { splits: ['train', 'test'], classes: CIFAR10_CLASSES, ...cacheOptions(options) });
  return {
    name: 'cifar10',
    train: data.splits['train'] as ImageSet,
    test: data.splits['test'] as ImageSet,
    classes: data.classes,
    source: `jpeg-tar:${location.path}`,
  };
}

function cacheOptions(options: CacheOptions): CacheOptions {
  return {
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(options.quiet !== undefined ? { quiet: options.quiet } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  };
}

/** CIFAR-100 (official binary): 50,000 train + 10,000 test, fine labels in `labels`, coarse in `coarseLabels`. */
export function loadCifar100(options: LoadCifar100Options = {}): Dataset {
  const dir = options.binaryDir ?? resolveDataFile(CIFAR100_BINARY_DIR, options.env);
  const parts = readCifar100Binary(dir);
  return { name: 'cifar100', ...parts, source: `binary:${dir}` };
}
