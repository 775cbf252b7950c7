import type { CliContext } from '../cli-context.js';
import { resolveDataDir } from '../network/data-dir.js';
import {
  formatNetworkStatus,
  getNetworkStatus,
  networkStatusJson,
} from '../network/network-status.js';
import type { StatusFlags } from '../parse-command-line.js';

/** `citadel status`: exit 0 when the network runs and answers, 1 otherwise. */
export async function runStatusCommand(flags: StatusFlags, context: CliContext): Promise<number> {
  const dataDir = resolveDataDir(flags.dataDir, context.cwd);
  const status = await getNetworkStatus({
    dataDir,
    fetch: context.fetch,
    processes: context.processes,
  });
  if (flags.json) {
    context.stdout(JSON.stringify(networkStatusJson(status), null, 2));
  } else {
    for (const line of formatNetworkStatus(status)) {
      context.stdout(line);
    }
  }
  return status.state === 'running' ? 0 : 1;
}
