import { IDL, call } from 'azle';

/** 32 bytes from the management canister's `raw_rand` (an update call's await). */
export async function rawRand(): Promise<Uint8Array> {
  try {
    const bytes = await call<undefined, Uint8Array | number[]>('aaaaa-aa', 'raw_rand', {
      returnIdlType: IDL.Vec(IDL.Nat8),
    });
    return Uint8Array.from(bytes);
  } catch (error) {
    throw new Error(`raw_rand failed: ${JSON.stringify(error)}`, { cause: error });
  }
}
