import type { Command } from 'commander';
import { registerArchCommand, registerMaskCommand } from './arch';
import { registerPerfCommand } from './perf';
import { registerMetricsCommand } from './metrics';
import { registerDataCommand } from './data';
import { registerDoctorCommand } from './doctor';
import { registerMlflowCommand } from './mlflow';
import { registerReproduceCommand } from './reproduce';
import { registerRunCommand } from './run';
import { registerAnalyzeCommand } from './analyze';
import { registerSearchCommand } from './search';
import { registerNetCommand } from './net';
import { registerSplitCommand } from './split';
import { registerValidateCommand } from './validate';

/** Each command lives in its own module and registers itself on the program here. */
export function registerCommands(program: Command): void {
  registerArchCommand(program);
  registerMaskCommand(program);
  registerPerfCommand(program);
  registerMetricsCommand(program);
  registerDataCommand(program);
  registerDoctorCommand(program);
  registerMlflowCommand(program);
  registerReproduceCommand(program);
  registerRunCommand(program);
  registerAnalyzeCommand(program);
  registerSearchCommand(program);
  registerNetCommand(program);
  registerSplitCommand(program);
  registerValidateCommand(program);
}
