import type { Command } from 'commander';
import { registerArchCommand, registerMaskCommand } from './arch';
import { registerBenchCommand } from './bench';
import { registerDataCommand } from './data';
import { registerMlflowCommand } from './mlflow';
import { registerReproduceCommand } from './reproduce';
import { registerAnalyzeCommand } from './analyze';
import { registerNetCommand } from './net';

/** Each command lives in its own module and registers itself on the program here. */
export function registerCommands(program: Command): void {
  registerArchCommand(program);
  registerMaskCommand(program);
  registerBenchCommand(program);
  registerDataCommand(program);
  registerMlflowCommand(program);
  registerReproduceCommand(program);
  registerAnalyzeCommand(program);
  registerNetCommand(program);
}
