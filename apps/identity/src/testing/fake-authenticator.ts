/**
 * A fake `navigator.credentials`: an authenticator holding some {@link TestPasskey}s, that
 * answers `get` with the first allowed one it holds and `create` with the next unused one.
 */
import { vi, type Mock } from 'vitest';
import { II_ORIGIN } from './fake-window';
import type { TestPasskey } from './make-passkey';

/** The two WebAuthn calls, as mocks. */
export interface FakeAuthenticator {
  readonly get: Mock<(options: CredentialRequestOptions) => Promise<Credential | null>>;
  readonly create: Mock<(options: CredentialCreationOptions) => Promise<Credential | null>>;
}

/**
 * An authenticator that `holds` passkeys for `get`, and hands out `creatable` ones, in order,
 * for `create`; `create` adds the new passkey to the held ones. Without a match, `get`
 * rejects with `NotAllowedError`, as browsers do.
 */
export function createFakeAuthenticator({
  holds = [],
  creatable = [],
}: {
  holds?: readonly TestPasskey[];
  creatable?: readonly TestPasskey[];
}): FakeAuthenticator {
  const held = [...holds];
  const toCreate = [...creatable];
  return {
    get: vi.fn(async (options) => {
      const allowed = options.publicKey?.allowCredentials ?? [];
      const passkey = held.find((candidate) =>
        allowed.some(({ id }) => sameBytes(id, candidate.credentialId)),
      );
      if (passkey === undefined) {
        throw new DOMException(
          'The operation either timed out or was not allowed.',
          'NotAllowedError',
        );
      }
      const challenge = options.publicKey?.challenge;
      return passkey.assert(toBytes(challenge), II_ORIGIN) as unknown as Credential;
    }),
    create: vi.fn(async () => {
      const passkey = toCreate.shift();
      if (passkey === undefined) {
        throw new DOMException('No more test passkeys.', 'NotAllowedError');
      }
      held.push(passkey);
      const created = {
        type: 'public-key',
        rawId: passkey.credentialId.slice().buffer,
        authenticatorAttachment: 'platform',
        response: { attestationObject: passkey.attestationObject().slice().buffer },
      };
      return created as unknown as Credential;
    }),
  };
}

function toBytes(source: BufferSource | undefined): Uint8Array {
  if (source === undefined) {
    return new Uint8Array();
  }
  return source instanceof ArrayBuffer
    ? new Uint8Array(source)
    : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

function sameBytes(source: BufferSource, bytes: Uint8Array): boolean {
  const other = toBytes(source);
  return other.length === bytes.length && other.every((byte, i) => byte === bytes[i]);
}
