// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireDeviceData } from '../lib/ii-idl';
import { IdentityServicesProvider } from '../lib/identity-services-context';
import { createFakeServices, type FakeServices } from '../testing/fake-services';
import { II_ORIGIN } from '../testing/fake-window';
import { ManageView } from './manage-view';

afterEach(cleanup);

const DEVICE: WireDeviceData = {
  pubkey: Uint8Array.of(0x30, 1),
  alias: 'Passkey',
  credential_id: [Uint8Array.of(0xab, 0xcd)],
  purpose: { authentication: null },
  key_type: { platform: null },
  protection: { unprotected: null },
  origin: [II_ORIGIN],
};

function renderView(services: FakeServices) {
  render(
    <IdentityServicesProvider services={services}>
      <ManageView />
    </IdentityServicesProvider>,
  );
  return userEvent.setup();
}

describe('ManageView', () => {
  it('signs in a remembered identity and lists its passkeys', async () => {
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      overrides: { listDevices: async () => [DEVICE, { ...DEVICE, pubkey: Uint8Array.of(2) }] },
    });
    const user = renderView(services);
    await user.click(screen.getByTestId('remembered-anchor'));
    expect((await screen.findByTestId('anchor-number')).textContent).toBe('10000');
    expect(await screen.findAllByTestId('device')).toHaveLength(2);
    expect(screen.getAllByTestId('device')[0]?.textContent).toMatch(/credential abcd…/);
  });

  it('creates an identity and shows its number as new', async () => {
    const services = createFakeServices();
    const user = renderView(services);
    await user.click(screen.getByTestId('create-passkey'));
    expect((await screen.findByTestId('anchor-number')).textContent).toBe('10042');
    expect(screen.getByText('Your new identity number')).toBeTruthy();
    expect(services.anchors.list()).toEqual([10_042n]);
  });

  it('adds a passkey and lists the devices again', async () => {
    let devices = [DEVICE];
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      overrides: {
        listDevices: async () => devices,
        addPasskey: async () => {
          devices = [DEVICE, { ...DEVICE, pubkey: Uint8Array.of(3) }];
        },
      },
    });
    const user = renderView(services);
    await user.click(screen.getByTestId('remembered-anchor'));
    expect(await screen.findAllByTestId('device')).toHaveLength(1);
    await user.click(screen.getByTestId('add-passkey'));
    await waitFor(() => expect(screen.getAllByTestId('device')).toHaveLength(2));
    expect(services.addPasskey).toHaveBeenCalledTimes(1);
  });

  it('shows why signing in failed, and offers the identities again', async () => {
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      overrides: {
        signIn: async () => {
          throw new TypeError('Failed to fetch');
        },
      },
    });
    const user = renderView(services);
    await user.click(screen.getByTestId('remembered-anchor'));
    expect((await screen.findByTestId('error')).getAttribute('data-error-kind')).toBe(
      'unreachable',
    );
    expect(screen.getByTestId('remembered-anchor')).toBeTruthy();
  });
});
