import { Command, CommanderError } from 'commander';
import { registerCloudCommands } from '../cloud/cli.ts';
import { ValidationError, WalkoutError } from '../core/errors.ts';
import { registerEdgeCommands } from '../edge/cli.ts';
import { registerProcessCommands } from '../edge/processes/cli.ts';
import { stopWithSupervisor } from '../edge/processes/parent-guard.ts';
import { registerHardwareCommands } from '../hardware/cli.ts';
import { registerModelCommands } from '../models/cli.ts';
import { registerSimulatorCommands } from '../simulator/cli.ts';
import { registerDemoCommand } from './demo.ts';
import { registerStoreCommands } from './store-commands.ts';

/** Each area registers its own subcommands; this file only wires them and maps errors to exit codes. */
export function buildProgram(): Command {
  const program = new Command('walkout')
    .description('Walkout checkout-free store: simulator, edge fusion, cloud settlement')
    .version('0.1.0')
    .showHelpAfterError();
  registerStoreCommands(program);
  registerDemoCommand(program);
  registerSimulatorCommands(program);
  registerEdgeCommands(program);
  registerProcessCommands(program);
  registerCloudCommands(program);
  registerHardwareCommands(program);
  registerModelCommands(program);
  return program;
}

/** Exit codes: 0 ok, 1 runtime failure, 2 invalid input (bad config, bad arguments, corrupt file). */
export async function main(argv: string[]): Promise<void> {
  stopWithSupervisor();
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof ValidationError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`error: ${err instanceof WalkoutError ? err.message : (err as Error).stack}\n`);
    process.exitCode = 1;
  }
}
