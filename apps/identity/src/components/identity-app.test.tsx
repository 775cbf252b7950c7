// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveIdentityConfig } from '../lib/identity-config';
import { createFakeServices } from '../testing/fake-services';
import { DAPP_ORIGIN } from '../testing/fake-window';
import { IdentityApp } from './identity-app';

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const CONFIGURED = resolveIdentityConfig({
  canisterId: 'rdmx6-jaaaa-aaaaa-aaadq-cai',
  network: 'local',
});

describe('IdentityApp', () => {
  it('explains a build without the II canister id, and starts nothing', () => {
    const services = createFakeServices();
    render(
      <IdentityApp
        config={resolveIdentityConfig({ canisterId: undefined, network: undefined })}
        services={services}
      />,
    );
    const error = screen.getByTestId('error');
    expect(error.textContent).toMatch(/not configured/);
    expect(error.textContent).toMatch(/NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY/);
    expect(services.waitForAuthorizeRequest).not.toHaveBeenCalled();
  });

  it('runs the authorize flow when the URL ends in #authorize', async () => {
    window.location.hash = '#authorize';
    const services = createFakeServices();
    render(<IdentityApp config={CONFIGURED} services={services} />);
    expect((await screen.findByTestId('authorize-origin')).textContent).toBe(DAPP_ORIGIN);
    expect(services.waitForAuthorizeRequest).toHaveBeenCalledTimes(1);
  });

  it('shows the identities of this browser without #authorize, and waits for no app', async () => {
    const services = createFakeServices({ rememberedAnchors: [10_000n] });
    render(<IdentityApp config={CONFIGURED} services={services} />);
    expect(await screen.findByTestId('remembered-anchor')).toBeTruthy();
    expect(screen.queryByTestId('authorize-origin')).toBeNull();
    expect(services.waitForAuthorizeRequest).not.toHaveBeenCalled();
  });
});
