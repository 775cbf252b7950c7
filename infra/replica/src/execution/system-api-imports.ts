import type { FuncType, ValType } from './wasm-binary.js';

/**
 * The `ic0` System API as a table: every import name a canister may use, its signature for
 * 32-bit memories (`I = i32`), and the contexts it may be called from. Source: interface spec
 * canister-interface.md "Overview of imports" (ic-protocol.md §7.2).
 */

/**
 * Execution contexts of the interface spec (ic-protocol.md §7.1). `s` is the Wasm `(start)`
 * function; composite-query contexts (CQ, CRy, CRt, CC) and TQ are listed for completeness.
 */
export type ApiContext =
  | 'I'
  | 'G'
  | 'U'
  | 'RQ'
  | 'NRQ'
  | 'TQ'
  | 'CQ'
  | 'Ry'
  | 'Rt'
  | 'CRy'
  | 'CRt'
  | 'C'
  | 'CC'
  | 'F'
  | 'T'
  | 's';

/** One System API function. */
export interface SystemApiImport extends FuncType {
  readonly contexts: ReadonlySet<ApiContext>;
}

/** The spec's `*`: every context except `(start)`. */
const ALL: readonly ApiContext[] = [
  'I',
  'G',
  'U',
  'RQ',
  'NRQ',
  'TQ',
  'CQ',
  'Ry',
  'Rt',
  'CRy',
  'CRt',
  'C',
  'CC',
  'F',
  'T',
];
const ALL_AND_START: readonly ApiContext[] = [...ALL, 's'];
const ARG_DATA: readonly ApiContext[] = ['I', 'U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'CRy', 'F'];
const CALLER_INFO: readonly ApiContext[] = [
  'U',
  'RQ',
  'NRQ',
  'CQ',
  'Ry',
  'Rt',
  'CRy',
  'CRt',
  'C',
  'CC',
  'F',
];
const RESPOND: readonly ApiContext[] = ['U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt'];
const CYCLES_IN: readonly ApiContext[] = ['U', 'RQ', 'Rt', 'Ry'];
const CYCLES_REFUNDED: readonly ApiContext[] = ['Rt', 'Ry'];
const CALL: readonly ApiContext[] = ['U', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'T'];
const CALL_CYCLES: readonly ApiContext[] = ['U', 'Ry', 'Rt', 'T'];
const REPLICATED_STATE: readonly ApiContext[] = ['I', 'G', 'U', 'RQ', 'Ry', 'Rt', 'C', 'T'];
const MUTATE_SYSTEM_STATE: readonly ApiContext[] = ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T'];
/** The spec writes `U Q CQ Ry Rt CRy CRt`; `Q` is read as both query modes. */
const DEADLINE: readonly ApiContext[] = ['U', 'RQ', 'NRQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt'];

const i32 = 'i32' satisfies ValType;
const i64 = 'i64' satisfies ValType;

function api(
  params: readonly ValType[],
  results: readonly ValType[],
  contexts: readonly ApiContext[],
): SystemApiImport {
  return { params, results, contexts: new Set(contexts) };
}

const blobSize = (contexts: readonly ApiContext[]) => api([], [i32], contexts);
const blobCopy = (contexts: readonly ApiContext[]) => api([i32, i32, i32], [], contexts);

/** Every `ic0` import the replica links, keyed by name. */
export const SYSTEM_API: ReadonlyMap<string, SystemApiImport> = new Map<string, SystemApiImport>([
  ['msg_arg_data_size', blobSize(ARG_DATA)],
  ['msg_arg_data_copy', blobCopy(ARG_DATA)],
  ['msg_caller_size', blobSize(ALL)],
  ['msg_caller_copy', blobCopy(ALL)],
  ['msg_caller_info_data_size', blobSize(CALLER_INFO)],
  ['msg_caller_info_data_copy', blobCopy(CALLER_INFO)],
  ['msg_caller_info_signer_size', blobSize(CALLER_INFO)],
  ['msg_caller_info_signer_copy', blobCopy(CALLER_INFO)],
  ['msg_reject_code', api([], [i32], ['Ry', 'Rt', 'CRy', 'CRt', 'C'])],
  ['msg_reject_msg_size', blobSize(['Rt', 'CRt'])],
  ['msg_reject_msg_copy', blobCopy(['Rt', 'CRt'])],
  ['msg_deadline', api([], [i64], DEADLINE)],
  ['msg_reply_data_append', api([i32, i32], [], RESPOND)],
  ['msg_reply', api([], [], RESPOND)],
  ['msg_reject', api([i32, i32], [], RESPOND)],
  ['msg_cycles_available128', api([i32], [], CYCLES_IN)],
  ['msg_cycles_refunded128', api([i32], [], CYCLES_REFUNDED)],
  ['msg_cycles_accept128', api([i64, i64, i32], [], CYCLES_IN)],
  ['cycles_burn128', api([i64, i64, i32], [], REPLICATED_STATE)],
  ['canister_self_size', blobSize(ALL)],
  ['canister_self_copy', blobCopy(ALL)],
  ['canister_cycle_balance128', api([i32], [], ALL)],
  ['canister_liquid_cycle_balance128', api([i32], [], ALL)],
  ['canister_status', api([], [i32], ALL)],
  ['canister_version', api([], [i64], ALL)],
  ['subnet_self_size', blobSize(ALL)],
  ['subnet_self_copy', blobCopy(ALL)],
  ['msg_method_name_size', blobSize(['F'])],
  ['msg_method_name_copy', blobCopy(['F'])],
  ['accept_message', api([], [], ['F'])],
  ['call_new', api([i32, i32, i32, i32, i32, i32, i32, i32], [], CALL)],
  ['call_on_cleanup', api([i32, i32], [], CALL)],
  ['call_data_append', api([i32, i32], [], CALL)],
  ['call_with_best_effort_response', api([i32], [], CALL)],
  ['call_cycles_add128', api([i64, i64], [], CALL_CYCLES)],
  ['call_perform', api([], [i32], CALL)],
  ['stable64_size', api([], [i64], ALL_AND_START)],
  ['stable64_grow', api([i64], [i64], ALL_AND_START)],
  ['stable64_write', api([i64, i64, i64], [], ALL_AND_START)],
  ['stable64_read', api([i64, i64, i64], [], ALL_AND_START)],
  ['root_key_size', blobSize(REPLICATED_STATE)],
  ['root_key_copy', blobCopy(REPLICATED_STATE)],
  ['certified_data_set', api([i32, i32], [], MUTATE_SYSTEM_STATE)],
  ['data_certificate_present', api([], [i32], ALL)],
  ['data_certificate_size', blobSize(['NRQ', 'CQ'])],
  ['data_certificate_copy', blobCopy(['NRQ', 'CQ'])],
  ['time', api([], [i64], ALL)],
  ['global_timer_set', api([i64], [i64], MUTATE_SYSTEM_STATE)],
  ['performance_counter', api([i32], [i64], ALL_AND_START)],
  ['is_controller', api([i32, i32], [i32], ALL_AND_START)],
  ['in_replicated_execution', api([], [i32], ALL_AND_START)],
  ['cost_call', api([i64, i64, i32], [], ALL_AND_START)],
  ['cost_create_canister', api([i32], [], ALL_AND_START)],
  ['cost_http_request', api([i64, i64, i32], [], ALL_AND_START)],
  ['cost_sign_with_ecdsa', api([i32, i32, i32, i32], [i32], ALL_AND_START)],
  ['cost_sign_with_schnorr', api([i32, i32, i32, i32], [i32], ALL_AND_START)],
  ['cost_vetkd_derive_key', api([i32, i32, i32, i32], [i32], ALL_AND_START)],
  ['env_var_count', api([], [i32], ALL)],
  ['env_var_name_size', api([i32], [i32], ALL)],
  ['env_var_name_copy', api([i32, i32, i32, i32], [], ALL)],
  ['env_var_name_exists', api([i32, i32], [i32], ALL)],
  ['env_var_value_size', api([i32, i32], [i32], ALL)],
  ['env_var_value_copy', api([i32, i32, i32, i32, i32], [], ALL)],
  ['debug_print', api([i32, i32], [], ALL_AND_START)],
  ['trap', api([i32, i32], [], ALL_AND_START)],
  // 32-bit-only variants (spec: "only available if I = i32").
  ['msg_cycles_available', api([], [i64], CYCLES_IN)],
  ['msg_cycles_refunded', api([], [i64], CYCLES_REFUNDED)],
  ['msg_cycles_accept', api([i64], [i64], CYCLES_IN)],
  ['canister_cycle_balance', api([], [i64], ALL)],
  ['call_cycles_add', api([i64], [], CALL_CYCLES)],
  ['stable_size', api([], [i32], ALL_AND_START)],
  ['stable_grow', api([i32], [i32], ALL_AND_START)],
  ['stable_write', api([i32, i32, i32], [], ALL_AND_START)],
  ['stable_read', api([i32, i32, i32], [], ALL_AND_START)],
]);

/** Formats a signature the way error messages show it, e.g. `(i32, i32) -> ()`. */
export function formatFuncType(type: FuncType): string {
  return `(${type.params.join(', ')}) -> (${type.results.join(', ')})`;
}

/** True when two signatures are identical. */
export function sameFuncType(a: FuncType, b: FuncType): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}
