import { CitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { CliErrorCode, createCliError } from '../errors.js';
import { canisterCallError, summarizeAgentError } from './agent-errors.js';

/** The shape of an agent error: what the replica said, then the whole exchange. */
const AGENT_ERROR = `Call failed:
  Canister: bkyz2-fmaaa-aaaaa-qaaaq-cai
  Method: commit_batch (update)
  "Request ID": "6f1b…"
  "Error code": "IC0503"
  "Reject code": "5"
  "Reject message": "Error from Canister bkyz2-fmaaa-aaaaa-qaaaq-cai: Canister called \`ic0.trap\` with message: chunk not found: 12"

Call context:
  Canister ID: bkyz2-fmaaa-aaaaa-qaaaq-cai
  Method name: commit_batch
  HTTP details: {"ok":false,"status":200,"body":"d9d9f7a3…"}
`;

describe('summarizeAgentError', () => {
  it('keeps what the replica said and cuts at "Call context:"', () => {
    const summary = summarizeAgentError(new Error(AGENT_ERROR));
    expect(summary).toContain('chunk not found: 12');
    expect(summary).toContain('"Reject code": "5"');
    expect(summary).not.toContain('Call context');
    expect(summary).not.toContain('d9d9f7a3');
    expect(summary.split('\n')[0]).toBe('Call failed:');
  });

  it('cuts at "HTTP details:" when that comes first', () => {
    const message = `Server returned an error:\n  Code: 503 (Service Unavailable)\n  Body: overloaded\n\nHTTP details: {"headers": [["content-type", "text/plain"]]}`;
    expect(summarizeAgentError(new Error(message))).toBe(
      'Server returned an error:\n  Code: 503 (Service Unavailable)\n  Body: overloaded',
    );
  });

  it('drops blank lines and trailing spaces', () => {
    expect(summarizeAgentError(new Error('first   \n\n   \nsecond\t\n'))).toBe('first\nsecond');
  });

  it('keeps at most 12 lines', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const summary = summarizeAgentError(new Error(lines.join('\n')));
    expect(summary.split('\n')).toEqual(lines.slice(0, 12));
  });

  it('summarizes values that are not errors by their text', () => {
    expect(summarizeAgentError('plain text')).toBe('plain text');
    expect(summarizeAgentError(42)).toBe('42');
  });

  it('leaves a one-line message as it is', () => {
    expect(summarizeAgentError(new TypeError('fetch failed'))).toBe('fetch failed');
  });
});

describe('canisterCallError', () => {
  it('passes a Citadel error through unchanged', () => {
    const original = createCliError(CliErrorCode.DEPLOY_COMMIT_TOO_LARGE, 'too big', { size: 1 });
    expect(canisterCallError('Uploading web', original)).toBe(original);
  });

  it('makes any other error CLI_CANISTER_CALL_FAILED, saying what was done and what the replica said', () => {
    const cause = new Error(AGENT_ERROR);
    const error = canisterCallError('Uploading web to bkyz2-fmaaa-aaaaa-qaaaq-cai', cause);
    expect(error).toBeInstanceOf(CitadelError);
    expect(error).toMatchObject({
      code: CliErrorCode.CANISTER_CALL_FAILED,
      details: { doing: 'Uploading web to bkyz2-fmaaa-aaaaa-qaaaq-cai' },
    });
    expect(error.message).toMatch(
      /^Uploading web to bkyz2-fmaaa-aaaaa-qaaaq-cai failed: Call failed:/,
    );
    expect(error.message).toContain('chunk not found: 12');
    expect(error.message).not.toContain('Call context');
    expect(error.cause).toBe(cause);
  });

  it('wraps values that are not errors too', () => {
    expect(canisterCallError('Listing assets', 'boom')).toMatchObject({
      code: CliErrorCode.CANISTER_CALL_FAILED,
      message: 'Listing assets failed: boom',
    });
  });
});
