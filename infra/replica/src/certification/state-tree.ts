import type { StateTree } from '@citadel/protocol';
import { encodeCbor, encodeLeb128, stateNode } from '@citadel/protocol';
import type { CanisterRecord } from '../state/canister.js';
import type { IngressHistory, IngressRecord } from '../state/ingress-history.js';

/** What the `/subnet` subtree is made of; it never changes while the network runs. */
export interface SubnetIdentity {
  readonly subnetId: Uint8Array;
  readonly publicKeyDer: Uint8Array;
  /** Closed intervals of canister ids this subnet hosts (interface spec "canister_ranges"). */
  readonly canisterRanges: readonly (readonly [Uint8Array, Uint8Array])[];
  readonly nodes: readonly { readonly nodeId: Uint8Array; readonly publicKeyDer: Uint8Array }[];
}

const utf8 = new TextEncoder();

/** Builds the `/subnet/<sid>` subtree once; it is shared by every round's tree. */
export function buildSubnetTree(subnet: SubnetIdentity): StateTree {
  const ranges = encodeCbor(subnet.canisterRanges.map(([start, end]) => [start, end]));
  const nodes = stateNode(
    subnet.nodes.map(
      (node) => [node.nodeId, stateNode([['public_key', node.publicKeyDer]])] as const,
    ),
  );
  return stateNode([
    [
      subnet.subnetId,
      stateNode([
        ['canister_ranges', ranges],
        ['node', nodes],
        ['public_key', subnet.publicKeyDer],
        ['type', utf8.encode('application')],
      ]),
    ],
  ]);
}

// Request-status nodes never change once terminal, so they are built once and reused: the
// hash-tree memoisation then skips rehashing them in later rounds.
const requestStatusCache = new WeakMap<IngressRecord, { state: unknown; node: StateTree }>();

function requestStatusNode(record: IngressRecord): StateTree {
  const cached = requestStatusCache.get(record);
  if (cached && cached.state === record.state) {
    return cached.node;
  }
  const state = record.state;
  let node: StateTree;
  switch (state.status) {
    case 'replied':
      node = stateNode([
        ['reply', state.reply],
        ['status', utf8.encode('replied')],
      ]);
      break;
    case 'rejected':
      node = stateNode([
        ['error_code', utf8.encode(state.reject.errorCode)],
        ['reject_code', encodeLeb128(state.reject.code)],
        ['reject_message', utf8.encode(state.reject.message)],
        ['status', utf8.encode('rejected')],
      ]);
      break;
    default:
      node = stateNode([['status', utf8.encode(state.status)]]);
  }
  requestStatusCache.set(record, { state, node });
  return node;
}

function canisterNode(canister: CanisterRecord): StateTree {
  const entries: [string, StateTree][] = [
    ['certified_data', canister.certifiedData],
    ['controllers', encodeCbor(canister.controllers)],
  ];
  if (canister.code) {
    const metadata: [string, StateTree][] = [];
    for (const [name, content] of canister.code.prepared.customSections) {
      const match = /^icp:(public|private) (.+)$/.exec(name);
      if (match?.[2] !== undefined) {
        metadata.push([match[2], content]);
      }
    }
    if (metadata.length > 0) {
      entries.push(['metadata', stateNode(metadata)]);
    }
    entries.push(['module_hash', canister.code.prepared.moduleHash]);
  }
  return stateNode(entries);
}

/** Inputs of one round's certified state tree. */
export interface StateTreeParams {
  readonly timeNs: bigint;
  readonly ingress: IngressHistory;
  readonly canisters: Iterable<CanisterRecord>;
  readonly subnetTree: StateTree;
}

/**
 * The replicated state tree of the interface spec ("The system state tree"): `canister`,
 * `request_status`, `subnet` and `time`. Labels are sorted by `stateNode`.
 */
export function buildStateTree(params: StateTreeParams): StateTree {
  const canisters = [...params.canisters].map((c) => [c.id, canisterNode(c)] as const);
  const statuses = [...params.ingress.values()].map(
    (record) => [record.requestId, requestStatusNode(record)] as const,
  );
  return stateNode([
    ['canister', stateNode(canisters)],
    ['request_status', stateNode(statuses)],
    ['subnet', params.subnetTree],
    ['time', encodeLeb128(params.timeNs)],
  ]);
}
