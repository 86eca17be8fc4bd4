import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Benchmark } from '@fsnas/benchmark';
import { DATASETS, DATA_SOURCES, FsnasError, InvalidInputError, dataDirs, datasetSource, workspaceRoot, writableDataDir } from '@fsnas/core';
import { CIFAR_DOWNLOADS, fetchCifar, type CifarName } from '@fsnas/data';
import { ensurePythonEnv } from '@fsnas/tracking';
import type { Command } from 'commander';
import { emit } from '../cli-kit';

const NATS_ARCHIVE = 'NATS-tss-v1_0-3ffb9-simple.tar';
const NATS_SOURCE = 'the NATS-Bench README (https://github.com/D-X-Y/NATS-Bench), which links the archive on Google Drive';

/** `fsnas data status|fetch|convert`: where each data file comes from, and getting it on a machine with internet. */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('find, download and convert datasets and benchmark tables');

  data
    .command('status')
    .description(
      'where each data file is found (FSNAS_DATA_DIR, ./data, ../shared/data), or how to get it; for datasets with several possible sources (CIFAR-10: the official binary, else the JPEG tar), which one serves it',
    )
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const dirs = dataDirs();
      const datasets = DATASETS.map((name) => {
        const served = datasetSource(name);
        return { name, served_by: served?.source.path ?? null, found: served?.found ?? null };
      });
      const files = DATA_SOURCES.map((s) => {
        const found = dirs.map((d) => join(d, s.path)).find((p) => existsSync(p)) ?? null;
        const servedBy = s.serves === undefined ? undefined : (datasets.find((d) => d.name === s.serves)?.served_by ?? null);
        // A dataset's alternatives are not needed once another of its sources serves it.
        const status = servedBy && servedBy !== s.path ? (found ? 'not_used' : 'not_needed') : found ? 'found' : 'missing';
        return {
          path: s.path,
          found,
          status,
          ...(s.serves === undefined ? {} : { dataset: s.serves, served_by: servedBy }),
          description: s.description,
          official_source: s.officialSource,
          get_with: s.getWith,
        };
      });
      const label = { found: 'found', missing: 'MISSING', not_needed: 'not needed', not_used: 'not used' } as const;
      const line = (f: (typeof files)[number]): string => {
        const head = `${label[f.status as keyof typeof label].padEnd(10)} ${f.path}`;
        if (f.status === 'missing') return `${head}  — get it with: ${f.get_with}`;
        if (f.status === 'not_needed') return `${head}  (served by ${f.served_by}; to use this source instead: ${f.get_with})`;
        if (f.status === 'not_used') return `${head}  (${f.found}; served by ${f.served_by})`;
        return `${head}  (${f.found})${f.dataset ? `  serves ${f.dataset}` : ''}`;
      };
      emit(options.json, { searched: dirs, datasets, files }, () =>
        [
          `searched: ${dirs.join(', ')}`,
          ...files.map(line),
          `datasets: ${datasets.map((d) => `${d.name}: ${d.served_by ?? 'MISSING'}`).join('; ')}`,
        ].join('\n'),
      );
    });

  data
    .command('fetch')
    .description('download a dataset from its official source and verify its checksum')
    .argument('<name>', `${Object.keys(CIFAR_DOWNLOADS).join(' | ')} | nats-tss`)
    .option('--archive <file>', 'use an archive downloaded by hand instead of downloading')
    .option('--url <url>', 'download from a mirror')
    .option('--force', 're-extract even when the files are present')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { archive?: string; url?: string; force?: boolean; json?: boolean }) => {
      if (name === 'nats-tss') {
        throw new FsnasError(
          'MANUAL_DOWNLOAD',
          `NATS-Bench is distributed through Google Drive, which cannot be downloaded without a browser; get ${NATS_ARCHIVE} from ${NATS_SOURCE}, then run: npx fsnas data convert nats-tss --archive <path>`,
        );
      }
      if (!(name in CIFAR_DOWNLOADS)) throw new InvalidInputError(`unknown dataset '${name}'; known: ${[...Object.keys(CIFAR_DOWNLOADS), 'nats-tss'].join(', ')}`);
      const result = await fetchCifar(name as CifarName, { ...options });
      emit(options.json, result, () => `${name}: ${result.dir}${result.downloaded ? ' (downloaded and verified)' : result.archive ? ` (extracted from ${result.archive})` : ' (already complete)'}`);
    });

  data
    .command('convert')
    .description("convert an official benchmark archive into the project's table format")
    .argument('<name>', 'nats-tss')
    .requiredOption('--archive <path>', `the official archive (${NATS_ARCHIVE}) or its extracted folder`)
    .option('--json', 'print JSON')
    .action(async (name: string, options: { archive: string; json?: boolean }) => {
      if (name !== 'nats-tss') throw new InvalidInputError(`only 'nats-tss' can be converted, got '${name}'; NAS-Bench-201 v1_1 and HW-NAS-Bench tables are used as found in the data folders`);
      if (!existsSync(options.archive)) throw new InvalidInputError(`archive not found: ${options.archive}`);
      const python = await ensurePythonEnv();
      const requirements = join(workspaceRoot(), 'tools', 'convert', 'requirements.txt');
      run(python.python, ['-m', 'pip', 'install', '--quiet', '-r', requirements], 'installing the NATS-Bench API');
      const outDir = join(writableDataDir(), 'nb201');
      mkdirSync(outDir, { recursive: true });
      const output = join(outDir, 'nats_tss_test_acc_200ep.csv');
      run(python.python, [join(workspaceRoot(), 'tools', 'convert', 'nats_tss.py'), options.archive, output], 'converting NATS-Bench');
      // Loading cross-checks the new table against the other tables' index order.
      const bench = Benchmark.load({ hw: false });
      emit(options.json, { output, architectures: bench.size }, () => `wrote ${output} (${bench.size} architectures, checked against the other tables)`);
    });
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new FsnasError('CONVERT_FAILED', `${what} failed (exit ${result.status ?? result.signal})`);
}
