import type { CborValue } from '@citadel/protocol';
import { decodeCbor, encodeCbor } from '@citadel/protocol';
import type { IngressRecord, IngressStatus } from '../state/ingress-history.js';
import type { RejectCode } from '../state/reject.js';
import { createCorruptCheckpointError } from './errors.js';

/**
 * The ingress history as a checkpoint file: a CBOR array of
 * `[requestId, sender, receiver, expiryNs, updatedAtNs, status, payload?]` where the payload
 * is the reply bytes or `[rejectCode, message, errorCode]`. Keeping it means a client polling
 * `request_status` after a restart still gets its answer, and a replayed request is still
 * recognised as a duplicate.
 */
export function encodeIngressHistory(records: Iterable<IngressRecord>): Uint8Array {
  const rows: CborValue[] = [];
  for (const record of records) {
    const head: CborValue[] = [
      record.requestId,
      record.sender,
      record.receiver,
      record.expiryNs,
      record.updatedAtNs,
      record.state.status,
    ];
    switch (record.state.status) {
      case 'replied':
        rows.push([...head, record.state.reply]);
        break;
      case 'rejected': {
        const { code, message, errorCode } = record.state.reject;
        rows.push([...head, [code, message, errorCode]]);
        break;
      }
      default:
        rows.push(head);
    }
  }
  return encodeCbor(rows);
}

/**
 * Decodes {@link encodeIngressHistory}'s output.
 * @throws CitadelError `REPLICA_DATA_DIR_CORRUPT_CHECKPOINT` naming `path`.
 */
export function decodeIngressHistory(bytes: Uint8Array, path: string): IngressRecord[] {
  const bad = (reason: string): never => {
    throw createCorruptCheckpointError(path, reason);
  };
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (error) {
    throw createCorruptCheckpointError(path, 'it is not CBOR', error);
  }
  if (!Array.isArray(value)) {
    return bad('it is not an array of ingress records');
  }
  return (value as readonly CborValue[]).map((row, i): IngressRecord => {
    if (!Array.isArray(row) || row.length < 6) {
      return bad(`ingress record ${i} is malformed`);
    }
    const [requestId, sender, receiver, expiry, updated, status, payload] =
      row as readonly CborValue[];
    const expiryNs = natural(expiry);
    const updatedAtNs = natural(updated);
    if (
      !(requestId instanceof Uint8Array) ||
      !(sender instanceof Uint8Array) ||
      !(receiver instanceof Uint8Array) ||
      expiryNs === null ||
      updatedAtNs === null
    ) {
      return bad(`ingress record ${i} is malformed`);
    }
    return {
      // Copies (not Buffer views of the file) so each record owns its bytes.
      requestId: new Uint8Array(requestId),
      sender: new Uint8Array(sender),
      receiver: new Uint8Array(receiver),
      expiryNs,
      updatedAtNs,
      state: decodeStatus(status, payload) ?? bad(`ingress record ${i} has a malformed status`),
    };
  });
}

function decodeStatus(status: CborValue, payload: CborValue): IngressStatus | null {
  switch (status) {
    case 'received':
    case 'processing':
    case 'done':
      return { status };
    case 'replied':
      return payload instanceof Uint8Array ? { status, reply: new Uint8Array(payload) } : null;
    case 'rejected': {
      if (!Array.isArray(payload) || payload.length !== 3) {
        return null;
      }
      const [code, message, errorCode] = payload as readonly CborValue[];
      if (
        typeof code !== 'number' ||
        code < 1 ||
        code > 6 ||
        typeof message !== 'string' ||
        typeof errorCode !== 'string'
      ) {
        return null;
      }
      return { status, reject: { code: code as RejectCode, message, errorCode } };
    }
    default:
      return null;
  }
}

function natural(value: CborValue): bigint | null {
  if (typeof value === 'bigint') {
    return value;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? BigInt(value)
    : null;
}
