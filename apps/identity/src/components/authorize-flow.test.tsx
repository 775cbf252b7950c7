// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityError } from '../lib/identity-error';
import { IdentityServicesProvider } from '../lib/identity-services-context';
import {
  createFakeServices,
  makeRequestOutcome,
  SESSION_KEY,
  SUCCESS,
  type FakeServices,
} from '../testing/fake-services';
import { DAPP_ORIGIN } from '../testing/fake-window';
import { AuthorizeFlow } from './authorize-flow';

afterEach(cleanup);

function renderFlow(services: FakeServices) {
  render(
    <IdentityServicesProvider services={services}>
      <AuthorizeFlow />
    </IdentityServicesProvider>,
  );
  return userEvent.setup();
}

describe('AuthorizeFlow', () => {
  it('waits for the request, then shows which app is asking and the remembered identities', async () => {
    const services = createFakeServices({ rememberedAnchors: [10_001n, 10_000n] });
    renderFlow(services);
    expect(screen.getByTestId('status').textContent).toMatch(/Waiting for the app/);
    expect((await screen.findByTestId('authorize-origin')).textContent).toBe(DAPP_ORIGIN);
    const remembered = screen.getAllByTestId('remembered-anchor');
    expect(remembered.map((button) => button.getAttribute('data-anchor-number'))).toEqual([
      '10001',
      '10000',
    ]);
    expect(screen.getByTestId('create-passkey')).toBeTruthy();
    expect(screen.queryByTestId('derivation-origin')).toBeNull();
  });

  it('signs in a remembered identity and answers the app with its delegation', async () => {
    const { outcome, reply } = makeRequestOutcome();
    const services = createFakeServices({ rememberedAnchors: [10_000n], outcome });
    const user = renderFlow(services);
    await user.click(await screen.findByTestId('remembered-anchor'));
    expect(await screen.findByText(/Signed in\. The app takes it from here/)).toBeTruthy();
    expect(screen.getByTestId('anchor-number').textContent).toBe('10000');
    expect(services.signIn).toHaveBeenCalledExactlyOnceWith(10_000n);
    expect(services.issueClientDelegation).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ anchor: 10_000n }),
      {
        frontendOrigin: DAPP_ORIGIN,
        sessionPublicKey: SESSION_KEY,
        maxTimeToLive: 28_800_000_000_000n,
      },
    );
    expect(reply.succeed).toHaveBeenCalledExactlyOnceWith(SUCCESS);
    expect(reply.fail).not.toHaveBeenCalled();
  });

  it('signs in the identity number typed in, and remembers it', async () => {
    const services = createFakeServices();
    const user = renderFlow(services);
    await user.type(await screen.findByTestId('anchor-input'), '10 005');
    await user.click(screen.getByTestId('continue-passkey'));
    expect(await screen.findByTestId('anchor-number')).toBeTruthy();
    expect(services.signIn).toHaveBeenCalledWith(10_005n);
    expect(services.anchors.list()).toEqual([10_005n]);
  });

  it('explains a typed identity number that is not one, and does not sign in', async () => {
    const services = createFakeServices();
    const user = renderFlow(services);
    await user.type(await screen.findByTestId('anchor-input'), 'abc');
    await user.click(screen.getByTestId('continue-passkey'));
    expect(screen.getByText('An identity number has digits only.')).toBeTruthy();
    expect(screen.getByTestId('anchor-input').getAttribute('aria-invalid')).toBe('true');
    expect(services.signIn).not.toHaveBeenCalled();
  });

  it('creates a passkey, shows the new identity number, and continues when asked', async () => {
    const { outcome, reply } = makeRequestOutcome();
    const services = createFakeServices({ outcome });
    const user = renderFlow(services);
    await user.click(await screen.findByTestId('create-passkey'));
    expect((await screen.findByTestId('anchor-number')).textContent).toBe('10042');
    expect(services.anchors.list()).toEqual([10_042n]);
    expect(reply.succeed).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('continue-passkey'));
    expect(await screen.findByText(/Signed in\./)).toBeTruthy();
    expect(reply.succeed).toHaveBeenCalledExactlyOnceWith(SUCCESS);
  });

  it('keeps the choice open after a cancelled passkey prompt, without answering the app', async () => {
    const { outcome, reply } = makeRequestOutcome();
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      outcome,
      overrides: {
        signIn: async () => {
          throw new DOMException('timed out or not allowed', 'NotAllowedError');
        },
      },
    });
    const user = renderFlow(services);
    await user.click(await screen.findByTestId('remembered-anchor'));
    const error = await screen.findByTestId('error');
    expect(error.getAttribute('data-error-kind')).toBe('passkey-cancelled');
    expect(screen.getByTestId('remembered-anchor')).toBeTruthy();
    expect(reply.fail).not.toHaveBeenCalled();
  });

  it('says so when the identity has no passkey', async () => {
    const services = createFakeServices({
      overrides: {
        signIn: async (anchor) => {
          throw new IdentityError({ kind: 'unknown-anchor', anchor });
        },
      },
    });
    const user = renderFlow(services);
    await user.type(await screen.findByTestId('anchor-input'), '77');
    await user.click(screen.getByTestId('continue-passkey'));
    expect((await screen.findByTestId('error')).textContent).toMatch(
      /no identity 77 with a passkey/,
    );
  });

  it('tells the app, at its origin, why the delegation could not be issued', async () => {
    const { outcome, reply } = makeRequestOutcome();
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      outcome,
      overrides: {
        issueClientDelegation: async () => {
          throw new IdentityError({ kind: 'no-delegation' });
        },
      },
    });
    const user = renderFlow(services);
    await user.click(await screen.findByTestId('remembered-anchor'));
    expect((await screen.findByTestId('error')).getAttribute('data-error-kind')).toBe(
      'no-delegation',
    );
    expect(reply.fail).toHaveBeenCalledExactlyOnceWith(
      'Internet Identity did not hand out the signature for this sign-in. Try again.',
    );
    expect(reply.succeed).not.toHaveBeenCalled();
  });

  it('answers UserInterrupt when the user cancels', async () => {
    const { outcome, reply } = makeRequestOutcome();
    const user = renderFlow(createFakeServices({ outcome }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(reply.fail).toHaveBeenCalledExactlyOnceWith('UserInterrupt');
    expect(screen.getByTestId('status').textContent).toMatch(/cancelled/);
  });

  it('shows the derivation origin, and signs in for it once it accepts the app', async () => {
    const derivationOrigin = 'https://app.example';
    const services = createFakeServices({
      rememberedAnchors: [10_000n],
      outcome: makeRequestOutcome({ derivationOrigin }).outcome,
      overrides: {
        resolveFrontendOrigin: async () => ({ ok: true, frontendOrigin: derivationOrigin }),
      },
    });
    const user = renderFlow(services);
    expect((await screen.findByTestId('derivation-origin')).textContent).toBe(derivationOrigin);
    expect(services.resolveFrontendOrigin).toHaveBeenCalledWith({
      requestOrigin: DAPP_ORIGIN,
      derivationOrigin,
    });
    await user.click(await screen.findByTestId('remembered-anchor'));
    await screen.findByText(/Signed in\./);
    expect(services.issueClientDelegation.mock.calls[0]?.[1].frontendOrigin).toBe(derivationOrigin);
  });

  it('refuses a derivation origin that does not list the app, and tells the app', async () => {
    const { outcome, reply } = makeRequestOutcome({ derivationOrigin: 'https://app.example' });
    renderFlow(
      createFakeServices({
        outcome,
        overrides: {
          resolveFrontendOrigin: async () => ({ ok: false, message: 'The list does not name it.' }),
        },
      }),
    );
    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/may not sign in with that identity/);
    expect(error.textContent).toMatch(/The list does not name it\./);
    expect(reply.fail).toHaveBeenCalledExactlyOnceWith(
      'Invalid derivationOrigin "https://app.example": The list does not name it.',
    );
    expect(screen.queryByTestId('create-passkey')).toBeNull();
  });

  it('explains a page opened without an app, and links to the identities of this browser', async () => {
    renderFlow(createFakeServices({ outcome: { status: 'no-opener', reason: 'orphan' } }));
    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/Open this page from an app/);
    expect(
      screen.getByRole('link', { name: /identities of this browser/ }).getAttribute('href'),
    ).toBe('/');
    expect(screen.queryByTestId('authorize-origin')).toBeNull();
  });

  it('explains a request that never came, and one that was malformed', async () => {
    renderFlow(createFakeServices({ outcome: { status: 'timeout' } }));
    expect((await screen.findByTestId('error')).textContent).toMatch(/within 10 seconds/);
    cleanup();
    renderFlow(
      createFakeServices({
        outcome: { status: 'invalid', origin: DAPP_ORIGIN, problem: 'sessionPublicKey is missing' },
      }),
    );
    const error = await screen.findByTestId('error');
    expect(within(error).getByText(/sessionPublicKey is missing/)).toBeTruthy();
  });

  it('stops waiting for the request when it goes away', async () => {
    const services = createFakeServices({
      overrides: { waitForAuthorizeRequest: () => new Promise(() => undefined) },
    });
    const { unmount } = render(
      <IdentityServicesProvider services={services}>
        <AuthorizeFlow />
      </IdentityServicesProvider>,
    );
    const signal = services.waitForAuthorizeRequest.mock.calls[0]?.[0];
    expect(signal?.aborted).toBe(false);
    unmount();
    expect(signal?.aborted).toBe(true);
  });
});
