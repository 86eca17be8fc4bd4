import { Benchmark, SETTINGS, SPLITS_OF } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { archOpNames, Mask } from '@fsnas/nb201';
import type { Command } from 'commander';
import { emit } from '../cli-kit';

/** `fsnas arch <index|arch-string>`: everything the benchmark knows about one architecture. */
export function registerArchCommand(program: Command): void {
  program
    .command('arch')
    .description('look up one architecture by NATS index or arch string')
    .argument('<index|arch-string>', 'NATS-Bench index (0..15624) or |op~0|+|op~0|op~1|+|op~0|op~1|op~2|')
    .option('--json', 'print one JSON object')
    .action((query: string, options: { json?: boolean }) => {
      const bench = Benchmark.load();
      const index = bench.indexOf(/^\d+$/.test(query) && Number.isSafeInteger(Number(query)) ? Number(query) : query.startsWith('|') ? query : invalid(query));
      const arch = bench.archString(index);
      const record = { index, arch, ops: archOpNames(bench.arch(index)), ...bench.record(index) };
      emit(options.json, record, () =>
        [
          `NATS index ${index}: ${arch}`,
          ...SETTINGS.map((s) => `  ${s.padEnd(15)} ${SPLITS_OF[s].map((split) => `${split} ${fmt(record.accuracy[s]?.[split])}`).join('  ')}`),
          `  edgegpu latency (cifar10) ${fmt(record.hw['cifar10']?.['edgegpu_latency'])} ms`,
        ].join('\n'),
      );
    });
}

/** `fsnas mask <json>`: size and accuracy statistics of a sub-supernet. */
export function registerMaskCommand(program: Command): void {
  program
    .command('mask')
    .description('size and accuracy statistics of a sub-supernet given as a 6x5 0/1 JSON matrix')
    .argument('<matrix>', 'e.g. [[0,0,0,1,0],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]')
    .option('--list', 'also list the NATS indices of its architectures')
    .option('--json', 'print one JSON object')
    .action((matrix: string, options: { json?: boolean; list?: boolean }) => {
      const mask = Mask.parse(matrix);
      const bench = Benchmark.load({ hw: false });
      const stats = Object.fromEntries(
        SETTINGS.map((setting) => {
          const s = bench.stats(mask, setting);
          return [setting, { mean: s.mean, median: s.median, max: s.max, best_index: s.bestIndex }];
        }),
      );
      const archs = options.list ? { count: mask.size, indices: Array.from(bench.indicesOf(mask)) } : { count: mask.size };
      emit(options.json, { size: mask.size, archs, stats }, () =>
        [
          `mask ${mask.toString()}: ${mask.size} architectures`,
          ...SETTINGS.map((s) => `  ${s.padEnd(15)} mean ${fmt(stats[s]?.mean)}  median ${fmt(stats[s]?.median)}  max ${fmt(stats[s]?.max)} (index ${stats[s]?.best_index})`),
        ].join('\n'),
      );
    });
}

function invalid(query: string): never {
  throw new InvalidInputError(`expected a NATS index (0..15624) or an arch string starting with '|', got ${JSON.stringify(query)}`);
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(2);
}
