import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError } from '../errors.js';

/**
 * The agent's errors carry the whole HTTP exchange (certificate bytes included) in their
 * message; users need the first part: what the replica or the canister said.
 */
export function summarizeAgentError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const [head = text] = text.split(/\n\s*(?:Call context:|HTTP details:)/);
  const lines = head
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const method = /Method name:\s*(\S+)/.exec(text)?.[1];
  const canister = /Canister ID:\s*(\S+)/.exec(text)?.[1];
  const call =
    method === undefined
      ? ''
      : `\n  (calling ${method}${canister === undefined ? '' : ` on ${canister}`})`;
  return `${lines.slice(0, 12).join('\n')}${call}`;
}

/** `error` as a coded CLI error naming what was being done; Citadel errors pass unchanged. */
export function canisterCallError(doing: string, error: unknown): Error {
  if (isCitadelError(error)) {
    return error;
  }
  return createCliError(
    CliErrorCode.CANISTER_CALL_FAILED,
    `${doing} failed: ${summarizeAgentError(error)}`,
    { doing },
    { cause: error },
  );
}
