import { readFileSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';

/** The two process operations the CLI needs; injected so tests never signal real processes. */
export interface ProcessControl {
  /** Whether a process with this id exists (owned by anyone) and has not exited. */
  isAlive(pid: number): boolean;
  /** Sends `signal` to `pid`; throws the system error (`ESRCH`, `EPERM`) as Node does. */
  kill(pid: number, signal: NodeJS.Signals): void;
}

/**
 * Whether a Linux process is a zombie: exited, but not yet reaped by its parent. A network
 * started with `--background` is re-parented to PID 1 once its launcher exits, and in
 * containers PID 1 does not always reap, so an exited network can linger as a zombie that
 * `kill(pid, 0)` still reports.
 */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') {
    return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // Gone between the two checks.
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ESRCH') {
      return true;
    }
    throw error;
  }
  return isZombieStat(stat);
}

/** Whether a `/proc/<pid>/stat` line ("pid (comm) state …", proc(5)) shows state Z. */
export function isZombieStat(stat: string): boolean {
  // comm may itself contain parentheses, so search from the end.
  return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
}

/** `ProcessControl` over `process.kill`. */
export const nodeProcessControl: ProcessControl = {
  isAlive(pid) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      // EPERM: the process exists but belongs to another user.
      if (systemErrorCode(error) === 'EPERM') {
        return true;
      }
      if (systemErrorCode(error) === 'ESRCH') {
        return false;
      }
      throw error;
    }
    return !isZombie(pid);
  },
  kill(pid, signal) {
    process.kill(pid, signal);
  },
};
