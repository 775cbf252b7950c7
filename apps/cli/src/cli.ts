import { isCitadelError } from '@citadel/protocol';
import type { CliContext } from './cli-context.js';
import { runDeployCommand } from './commands/deploy.js';
import { runGatewayCommand } from './commands/gateway.js';
import { runLsCommand } from './commands/ls.js';
import { runReleasesCommand, runRollbackCommand } from './commands/releases.js';
import {
  runIdentityExportCommand,
  runIdentityImportCommand,
  runIdentityListCommand,
  runIdentityNewCommand,
  runIdentityUseCommand,
  runIdentityWhoamiCommand,
} from './commands/identity.js';
import { runSnapshotRestoreCommand, runSnapshotSaveCommand } from './commands/snapshot.js';
import { runStartCommand } from './commands/start.js';
import { runStatusCommand } from './commands/status.js';
import { runStopCommand } from './commands/stop.js';
import { CliErrorCode, USAGE_ERROR_CODES } from './errors.js';
import { parseCommandLine } from './parse-command-line.js';
import type { HelpTopic } from './usage.js';
import { formatUsage, isHelpTopic } from './usage.js';

/** Exit status of a failed command. */
export const EXIT_FAILURE = 1;
/** Exit status of a malformed command line. */
export const EXIT_USAGE = 2;

function usageTopic(details: Readonly<Record<string, unknown>>): HelpTopic | null {
  const { command } = details;
  return typeof command === 'string' && isHelpTopic(command) ? command : null;
}

/** Prints `error[CODE]: message` (plus usage for command-line mistakes); returns the exit status. */
export function reportError(error: unknown, context: CliContext): number {
  context.progress?.clear();
  if (isCitadelError(error)) {
    context.stderr(`error[${error.code}]: ${error.message}`);
    if (USAGE_ERROR_CODES.has(error.code)) {
      context.stderr('');
      context.stderr(formatUsage(usageTopic(error.details)));
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  context.stderr(`error[${CliErrorCode.INTERNAL}]: ${message}`);
  if (error instanceof Error && error.stack !== undefined) {
    context.stderr(error.stack);
  }
  return EXIT_FAILURE;
}

/**
 * Runs one `citadel` invocation and returns its exit status; never throws.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), createNodeContext());
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    switch (parsed.kind) {
      case 'help':
        context.stdout(formatUsage(parsed.command));
        return 0;
      case 'version':
        context.stdout(context.version);
        return 0;
      case 'deploy':
        return await runDeployCommand(parsed.flags, context);
      case 'ls':
        return await runLsCommand(parsed.flags, context);
      case 'releases':
        return await runReleasesCommand(parsed.flags, context);
      case 'rollback':
        return await runRollbackCommand(parsed.flags, context);
      case 'start':
        return await runStartCommand(parsed.flags, context);
      case 'stop':
        return await runStopCommand(parsed.flags, context);
      case 'status':
        return await runStatusCommand(parsed.flags, context);
      case 'gateway':
        return await runGatewayCommand(parsed.flags, context);
      case 'snapshot-save':
        return await runSnapshotSaveCommand(parsed.flags, context);
      case 'snapshot-restore':
        return await runSnapshotRestoreCommand(parsed.flags, context);
      case 'identity-new':
        return await runIdentityNewCommand(parsed.flags, context);
      case 'identity-list':
        return await runIdentityListCommand(parsed.flags, context);
      case 'identity-use':
        return await runIdentityUseCommand(parsed.flags, context);
      case 'identity-whoami':
        return await runIdentityWhoamiCommand(parsed.flags, context);
      case 'identity-export':
        return await runIdentityExportCommand(parsed.flags, context);
      case 'identity-import':
        return await runIdentityImportCommand(parsed.flags, context);
    }
  } catch (error) {
    return reportError(error, context);
  }
}
