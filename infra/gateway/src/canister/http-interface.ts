import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/**
 * The HTTP gateway interface a canister implements (HTTP gateway protocol spec, Candid):
 * `http_request` (query), `http_request_update` (update, when the query answers
 * `upgrade = true`) and a streaming callback. The callback's token type is the canister's
 * own; Candid in JS cannot decode a value of unknown type, so the gateway speaks the asset
 * canister's token (`key`, `content_encoding`, `index`, `sha256`), which every asset canister
 * uses.
 */

export type HeaderField = [string, string];

export interface CanisterHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
  readonly certificate_version: [] | [number];
}

export interface StreamingToken {
  readonly key: string;
  readonly content_encoding: string;
  readonly index: bigint;
  readonly sha256: [] | [Uint8Array];
}

export interface CanisterHttpResponse {
  readonly status_code: number;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
  readonly streaming_strategy:
    [] | [{ Callback: { callback: [Principal, string]; token: StreamingToken } }];
  readonly upgrade: [] | [boolean];
}

export interface StreamingCallbackResponse {
  readonly body: Uint8Array;
  readonly token: [] | [StreamingToken];
}

export interface HttpCanisterActor {
  http_request(request: CanisterHttpRequest): Promise<CanisterHttpResponse>;
  http_request_update(
    request: Omit<CanisterHttpRequest, 'certificate_version'>,
  ): Promise<CanisterHttpResponse>;
  http_request_streaming_callback(token: StreamingToken): Promise<StreamingCallbackResponse>;
}

export const httpInterface: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Header = I.Tuple(I.Text, I.Text);
  const Token = I.Record({
    key: I.Text,
    content_encoding: I.Text,
    index: I.Nat,
    sha256: I.Opt(I.Vec(I.Nat8)),
  });
  const CallbackResponse = I.Record({ body: I.Vec(I.Nat8), token: I.Opt(Token) });
  const Response = I.Record({
    status_code: I.Nat16,
    headers: I.Vec(Header),
    body: I.Vec(I.Nat8),
    streaming_strategy: I.Opt(
      I.Variant({
        Callback: I.Record({
          // Only the reference is used, and canisters declare its result type differently
          // (`opt` or not): an empty result list accepts both under Candid subtyping.
          callback: I.Func([Token], [], ['query']),
          token: Token,
        }),
      }),
    ),
    upgrade: I.Opt(I.Bool),
  });
  return I.Service({
    http_request: I.Func(
      [
        I.Record({
          method: I.Text,
          url: I.Text,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          certificate_version: I.Opt(I.Nat16),
        }),
      ],
      [Response],
      ['query'],
    ),
    http_request_update: I.Func(
      [I.Record({ method: I.Text, url: I.Text, headers: I.Vec(Header), body: I.Vec(I.Nat8) })],
      [Response],
      [],
    ),
    http_request_streaming_callback: I.Func([Token], [CallbackResponse], ['query']),
  });
};
