import { Command, CommanderError } from 'commander';
import { exitWithParent } from '@fsnas/experiments';
import { relaunchWithCudaLibraries } from '@fsnas/nn';
import { EXIT, debugEnabled, describeFailure } from './cli-kit';
import { registerCommands } from './commands';

// A worker of `reproduce`/`split`/`validate --jobs` stops when the command that started it dies.
exitWithParent();

// Where tfjs-node-gpu is built, the CUDA libraries must be on LD_LIBRARY_PATH from the process's start.
const relaunched = await relaunchWithCudaLibraries();
if (relaunched !== undefined) process.exit(relaunched);

const program = new Command('fsnas')
  .description('Metric-driven few-shot neural architecture search on NAS-Bench-201')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0; usage errors were already printed.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const { message, code } = describeFailure(error);
    if (debugEnabled() && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.stderr.write(`${message}\n`);
    process.exitCode = code;
  }
}
