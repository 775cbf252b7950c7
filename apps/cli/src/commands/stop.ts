import type { CliContext } from '../cli-context.js';
import { resolveDataDir } from '../network/data-dir.js';
import { STOP_TIMEOUT_MS, stopNetwork } from '../network/stop-network.js';
import type { StopFlags } from '../parse-command-line.js';

/** `citadel stop`: stops the network of the data directory; exit 0 also when none runs. */
export async function runStopCommand(flags: StopFlags, context: CliContext): Promise<number> {
  const dataDir = resolveDataDir(flags.dataDir, context.cwd);
  const result = await stopNetwork({
    dataDir,
    processes: context.processes,
    ...(context.clockMs ? { clockMs: context.clockMs } : {}),
    ...(context.sleep ? { sleep: context.sleep } : {}),
  });
  switch (result.kind) {
    case 'not-running':
      context.stdout(`No local network is running (data dir ${dataDir}).`);
      return 0;
    case 'cleaned-stale':
      context.stdout(
        `No local network is running; removed the files of a network that did not shut down cleanly${result.pid === null ? '' : ` (pid ${result.pid})`}.`,
      );
      return 0;
    case 'stopped':
      if (result.forced) {
        context.stderr(
          `warning: pid ${result.pid} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM and was killed with SIGKILL.`,
        );
      }
      context.stdout(
        `Stopped the local network${result.url === null ? '' : ` at ${result.url}`} (pid ${result.pid}).`,
      );
      return 0;
  }
}
