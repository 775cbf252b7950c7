import type { WireDeviceData, WireKeyType } from '../lib/ii-idl';

/** The anchor's devices as `lookup` lists them: one row per device (`data-testid="device"`). */
export function DeviceList({ devices }: { devices: readonly WireDeviceData[] }) {
  if (devices.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-300">No devices.</p>;
  }
  return (
    <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {devices.map((device) => {
        const credentialId = device.credential_id[0];
        return (
          <li
            key={toHex(device.pubkey)}
            data-testid="device"
            className="flex flex-col gap-0.5 px-4 py-3 text-sm"
          >
            <span className="font-medium">
              {device.alias === '' ? 'Passkey' : device.alias}
              {'recovery' in device.purpose ? (
                <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-100">
                  recovery
                </span>
              ) : null}
            </span>
            <span className="text-slate-500 dark:text-slate-400">
              {describeKeyType(device.key_type)}
              {device.origin[0] === undefined ? null : <> · {device.origin[0]}</>}
            </span>
            {credentialId === undefined ? null : (
              <span
                className="font-mono text-xs text-slate-400 dark:text-slate-500"
                title={toHex(credentialId)}
              >
                credential {toHex(credentialId).slice(0, 16)}…
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function describeKeyType(keyType: WireKeyType): string {
  if ('platform' in keyType) {
    return 'Built-in authenticator';
  }
  if ('cross_platform' in keyType) {
    return 'Security key or phone';
  }
  if ('seed_phrase' in keyType) {
    return 'Recovery phrase';
  }
  if ('browser_storage_key' in keyType) {
    return 'Browser key';
  }
  return 'Authenticator';
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
