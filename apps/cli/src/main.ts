/**
 * Entry point of the `citadel` command (bin/citadel.js imports the compiled form).
 * Everything happens in `runCli`; this file only binds it to the process.
 */
import { runCli } from './cli.js';
import { createNodeContext } from './node-context.js';

/** Grace period for the event loop to drain after the command finished. */
const EXIT_GRACE_MS = 2_000;

process.exitCode = await runCli(process.argv.slice(2), createNodeContext());

// The command is done; a handle something leaked must not keep the process alive. The
// timer is unref'd, so it only fires when something else still holds the event loop.
setTimeout(() => {
  process.stderr.write(
    'warning: open handles kept citadel alive after the command finished; exiting.\n',
  );
  process.exit();
}, EXIT_GRACE_MS).unref();
