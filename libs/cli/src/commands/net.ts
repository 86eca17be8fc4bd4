import { countParametersOf } from '@fsnas/nn';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

/** `fsnas net params <arch-string|supernet>`: analytic parameter count of an NB201 network (no tensors). */
export function registerNetCommand(program: Command): Command {
  const net = program.command('net').description('NAS-Bench-201 networks: sizes of single architectures and the supernet');
  net
    .command('params')
    .description('trainable parameters of an architecture (NAS-Bench-201 count) or of the full masked supernet')
    .argument('<arch-string|supernet>', '|op~0|+|op~0|op~1|+|op~0|op~1|op~2| or the word supernet')
    .option('--C <n>', 'channels of the first stage', numericOption.integerIn(1, 4096), 16)
    .option('--N <n>', 'cells per stage', numericOption.integerIn(1, 1000), 5)
    .option('--classes <n>', 'classifier outputs', numericOption.integerIn(1, 1_000_000), 10)
    .option('--no-affine', 'non-affine BN inside cell ops')
    .option('--json', 'print {"params": n}')
    .action((target: string, options: { C: number; N: number; classes: number; affine: boolean; json?: boolean }) => {
      const count = countParametersOf(target, { C: options.C, N: options.N, classes: options.classes, affine: options.affine });
      emit(options.json, { params: count.total }, () =>
        `${count.total} parameters (${(count.total / 1e6).toFixed(6)} M); ${count.weightTensors} Conv/Linear weight tensors holding ${count.weights}`,
      );
    });
  return net;
}
