import type { IDL } from '@dfinity/candid';

/** The HTTP gateway interface of an asset canister, for tests that call it as a gateway does. */
export const httpIdl: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Header = I.Tuple(I.Text, I.Text);
  const Token = I.Record({
    key: I.Text,
    content_encoding: I.Text,
    index: I.Nat,
    sha256: I.Opt(I.Vec(I.Nat8)),
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
      [
        I.Record({
          status_code: I.Nat16,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          streaming_strategy: I.Opt(
            I.Variant({
              Callback: I.Record({
                callback: I.Func([Token], [], ['query']),
                token: Token,
              }),
            }),
          ),
        }),
      ],
      ['query'],
    ),
    http_request_streaming_callback: I.Func(
      [Token],
      [I.Record({ body: I.Vec(I.Nat8), token: I.Opt(Token) })],
      ['query'],
    ),
  });
};

export interface StreamingToken {
  key: string;
  content_encoding: string;
  index: bigint;
  sha256: [] | [Uint8Array];
}
export interface HttpActor {
  http_request(request: {
    method: string;
    url: string;
    headers: [string, string][];
    body: Uint8Array;
    certificate_version: [] | [number];
  }): Promise<{
    status_code: number;
    headers: [string, string][];
    body: Uint8Array;
    streaming_strategy: [] | [{ Callback: { token: StreamingToken } }];
  }>;
  http_request_streaming_callback(
    token: StreamingToken,
  ): Promise<{ body: Uint8Array; token: [] | [StreamingToken] }>;
}
