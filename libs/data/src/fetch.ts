import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CorruptDataError, FsnasError, InvalidInputError, Progress, checkInputFile, writableDataDir } from '@fsnas/core';
import { CIFAR100_TEST_FILE, CIFAR100_TRAIN_FILE, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES } from './cifar-binary';
import { bufferSource, indexTar, readTarEntry } from './tar';

/** The official binary releases (https://www.cs.toronto.edu/~kriz/cifar.html) and where they go. */
export interface CifarDownload {
  readonly url: string;
  readonly md5: string;
  readonly bytes: number;
  /** Folder inside the archive that holds the data files. */
  readonly archiveDir: string;
  /** Destination, relative to the data folder; the loaders look there. */
  readonly targetDir: string;
  /** Files that must be present after extraction. */
  readonly required: readonly string[];
}

export const CIFAR_DOWNLOADS = {
  cifar10: {
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    bytes: 170_052_171,
    archiveDir: 'cifar-10-batches-bin',
    targetDir: 'cifar10/cifar-10-batches-bin',
    required: [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE],
  },
  cifar100: {
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    bytes: 168_513_733,
    archiveDir: 'cifar-100-binary',
    targetDir: 'cifar100/cifar-100-binary',
    required: [CIFAR100_TRAIN_FILE, CIFAR100_TEST_FILE],
  },
} as const satisfies Record<string, CifarDownload>;

export type CifarName = keyof typeof CIFAR_DOWNLOADS;

/** A download that could not be made (no network, HTTP error, stalled transfer). */
export class DownloadError extends FsnasError {
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DOWNLOAD_FAILED', message, options);
  }
}

export interface FetchCifarOptions {
  /** Data folder to fill (default: the writable data folder, `data/` or $FSNAS_DATA_DIR). */
  readonly dataDir?: string;
  /** Use this already-downloaded .tar.gz instead of downloading (offline machines). */
  readonly archive?: string;
  /** Override the URL and checksum (tests, mirrors). */
  readonly url?: string;
  readonly md5?: string;
  /** Re-extract even when the target folder is complete. */
  readonly force?: boolean;
  /** Abort when no bytes arrive for this long (default 60 s). */
  readonly idleTimeoutMs?: number;
  readonly quiet?: boolean;
}

export interface FetchCifarResult {
  /** The folder holding the binary files. */
  readonly dir: string;
  /** The archive that was verified and extracted, or null when the folder was already complete. */
  readonly archive: string | null;
  readonly downloaded: boolean;
}

function complete(dir: string, required: readonly string[]): boolean {
  return required.every((f) => existsSync(join(dir, f)));
}

function md5File(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

/** Streams `url` to `dest` (via a `.part-<pid>` file, so concurrent fetches do not mix), hashing as it goes; returns the md5 hex digest. */
async function download(name: string, url: string, dest: string, idleTimeoutMs: number, quiet: boolean, expectedBytes: number): Promise<string> {
  const offline =
    `Without internet access, download ${url} on another machine and run ` +
    `'npx fsnas data fetch ${name} --archive <file>' (or place the file at ${dest}).`;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleTimeoutMs);
  const resetTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idleTimeoutMs);
  };
  const why = (error: unknown): string =>
    controller.signal.aborted ? `no data received for ${Math.round(idleTimeoutMs / 1000)} s` : describeCause(error);
  const part = `${dest}.part-${process.pid}`;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw new DownloadError(url, `cannot download ${url}: ${why(error)}. ${offline}`, { cause: error });
    }
    if (!response.ok || !response.body) {
      throw new DownloadError(url, `cannot download ${url}: HTTP ${response.status} ${response.statusText}. ${offline}`);
    }
    const total = Number(response.headers.get('content-length')) || expectedBytes;
    const progress = new Progress({ label: `download ${basename(dest)}`, total: Math.ceil(total / 2 ** 20), unit: 'MiB', quiet });
    const hash = createHash('md5');
    mkdirSync(dirname(dest), { recursive: true });
    const fd = openSync(part, 'w');
    let received = 0;
    let reported = 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: { done: true; value?: undefined } | { done: false; value: Uint8Array };
        try {
          chunk = (await reader.read()) as typeof chunk;
        } catch (error) {
          throw new DownloadError(url, `download of ${url} broke off after ${received} bytes: ${why(error)}. ${offline}`, { cause: error });
        }
        if (chunk.done) break;
        resetTimer();
        hash.update(chunk.value);
        writeSync(fd, chunk.value);
        received += chunk.value.length;
        const mib = Math.floor(received / 2 ** 20);
        if (mib > reported) {
          progress.tick(mib - reported);
          reported = mib;
        }
      }
    } finally {
      closeSync(fd);
    }
    renameSync(part, dest);
    return hash.digest('hex');
  } finally {
    clearTimeout(timer);
    rmSync(part, { force: true });
  }
}

/**
 * Extracts the data folder of a verified archive into `target`, through a temporary sibling folder
 * renamed into place at the end, so an interrupted extraction never leaves a half-filled target.
 */
function extract(archive: string, spec: CifarDownload, target: string): void {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(readFileSync(archive));
  } catch (error) {
    throw new CorruptDataError(archive, '', `not a readable gzip file: ${describeCause(error)}`);
  }
  const source = bufferSource(tar);
  const entries = indexTar(source, archive).filter((e) => e.type === 'file' && e.name.startsWith(`${spec.archiveDir}/`));
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const entry of entries) {
      const rel = entry.name.slice(spec.archiveDir.length + 1);
      // Only plain names: the archive must not be able to write outside the target folder.
      if (rel === '' || rel.includes('/') || rel === '..' || rel === '.') continue;
      const fd = openSync(join(tmp, rel), 'w');
      try {
        writeSync(fd, readTarEntry(source, entry));
      } finally {
        closeSync(fd);
      }
    }
    const missing = spec.required.filter((f) => !existsSync(join(tmp, f)));
    if (missing.length > 0) {
      throw new CorruptDataError(archive, '', `archive lacks ${missing.map((f) => `${spec.archiveDir}/${f}`).join(', ')}`);
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * `fsnas data fetch cifar10|cifar100`: downloads the official binary release (or takes `archive`),
 * checks its MD5, and extracts it to `<data>/cifar10/cifar-10-batches-bin` or
 * `<data>/cifar100/cifar-100-binary`, where loadCifar10/loadCifar100 find it. A complete folder is
 * left alone unless `force`. The verified archive is kept under `<data>/downloads/` so a forced
 * re-extraction needs no network.
 */
export async function fetchCifar(name: CifarName, options: FetchCifarOptions = {}): Promise<FetchCifarResult> {
  const base: CifarDownload | undefined = (CIFAR_DOWNLOADS as Record<string, CifarDownload>)[name];
  if (!base) throw new InvalidInputError(`fetchCifar: unknown dataset '${name}'; expected cifar10 or cifar100`);
  const spec: CifarDownload = { ...base, url: options.url ?? base.url, md5: options.md5 ?? base.md5 };
  const dataDir = options.dataDir ?? writableDataDir();
  const target = join(dataDir, spec.targetDir);
  if (!options.force && complete(target, spec.required)) return { dir: target, archive: null, downloaded: false };

  const quiet = options.quiet ?? false;
  let urlPath: string;
  try {
    urlPath = new URL(spec.url).pathname;
  } catch {
    throw new InvalidInputError(`fetchCifar: not a URL: '${spec.url}'`);
  }
  if (options.archive !== undefined) checkInputFile(options.archive, '--archive');
  const archive = options.archive ?? join(dataDir, 'downloads', basename(urlPath));
  // An archive given by hand, or kept from an earlier fetch, is checked instead of downloaded again.
  const local = options.archive !== undefined || (existsSync(archive) && statSync(archive).size > 0);
  let md5 = local ? md5File(archive) : '';
  let downloaded = false;
  if (options.archive === undefined && md5 !== spec.md5) {
    md5 = await download(name, spec.url, archive, options.idleTimeoutMs ?? 60_000, quiet, spec.bytes);
    downloaded = true;
  }
  if (md5 !== spec.md5) {
    if (downloaded) rmSync(archive, { force: true });
    throw new CorruptDataError(archive, '', `MD5 ${md5} does not match the official ${spec.md5} (incomplete or altered download)`);
  }
  extract(archive, spec, target);
  return { dir: target, archive, downloaded };
}
