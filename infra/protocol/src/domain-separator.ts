import { CitadelError } from './errors.js';

/** Stable codes of domain-separator failures. */
export const DomainSeparatorErrorCode = {
  /** The tag is not ASCII or longer than 255 bytes, so it has no one-byte length prefix. */
  INVALID_TAG: 'PROTO_DOMAIN_SEPARATOR_INVALID_TAG',
} as const;

/**
 * The ASCII tags the IC prefixes to signed or hashed data (interface spec "Domain separation";
 * digest §3.1). Pass them to {@link domainSeparated}.
 */
export const DomainSeparator = {
  /** `0x0A "ic-request"` ‖ request id: sender signatures. */
  REQUEST: 'ic-request',
  /** `0x1A "ic-request-auth-delegation"` ‖ hash_of_map(delegation): delegation signatures. */
  REQUEST_AUTH_DELEGATION: 'ic-request-auth-delegation',
  /** `0x0B "ic-response"` ‖ hash_of_map(response): node signatures on query responses. */
  RESPONSE: 'ic-response',
  /** `0x0D "ic-state-root"` ‖ root hash: BLS signatures on certificates. */
  STATE_ROOT: 'ic-state-root',
  /** Hash of an Empty hash-tree node. */
  HASHTREE_EMPTY: 'ic-hashtree-empty',
  /** Hash of a Fork hash-tree node. */
  HASHTREE_FORK: 'ic-hashtree-fork',
  /** Hash of a Labeled hash-tree node. */
  HASHTREE_LABELED: 'ic-hashtree-labeled',
  /** Hash of a Leaf hash-tree node. */
  HASHTREE_LEAF: 'ic-hashtree-leaf',
  /** `0x0E "ic-sender-info"`: newest spec only, unused by agent 3.4.3. */
  SENDER_INFO: 'ic-sender-info',
} as const;

/** One of the {@link DomainSeparator} tags. */
export type DomainSeparator = (typeof DomainSeparator)[keyof typeof DomainSeparator];

/** The separator prefix alone: one length byte followed by the ASCII tag. */
export function domainSeparatorPrefix(tag: string): Uint8Array {
  if (tag.length > 255 || !/^[\x20-\x7e]*$/.test(tag)) {
    throw new CitadelError(
      'input',
      DomainSeparatorErrorCode.INVALID_TAG,
      `Domain separator tag ${JSON.stringify(tag)} must be printable ASCII of at most 255 characters.`,
      { tag },
    );
  }
  const prefix = new Uint8Array(1 + tag.length);
  prefix[0] = tag.length;
  for (let i = 0; i < tag.length; i++) {
    prefix[i + 1] = tag.charCodeAt(i);
  }
  return prefix;
}

/**
 * `len(tag) ‖ tag ‖ bytes`, the domain-separated message the IC signs or hashes
 * (interface spec "Domain separation").
 * @example domainSeparated(DomainSeparator.STATE_ROOT, rootHash)
 */
export function domainSeparated(tag: string, bytes: Uint8Array): Uint8Array {
  const prefix = domainSeparatorPrefix(tag);
  const message = new Uint8Array(prefix.length + bytes.length);
  message.set(prefix);
  message.set(bytes, prefix.length);
  return message;
}
