'use client';

import { useCallback, useEffect, useState } from 'react';
import { toIdentityProblem, type IdentityProblem } from '../lib/identity-error';
import type { WireDeviceData } from '../lib/ii-idl';
import { useIdentityServices } from '../lib/identity-services-context';
import type { IiSession } from '../lib/passkey-auth';
import { AnchorBadge } from './anchor-badge';
import { AnchorChooser } from './anchor-chooser';
import { buttonClass } from './button-styles';
import { DeviceList } from './device-list';
import { ErrorBanner } from './error-banner';
import { StatusMessage } from './status-message';

type ManageState =
  | { readonly step: 'signed-out'; readonly problem: IdentityProblem | undefined }
  | { readonly step: 'signing-in'; readonly anchor: bigint }
  | { readonly step: 'creating' }
  | { readonly step: 'signed-in'; readonly session: IiSession; readonly isNew: boolean };

/**
 * The page without `#authorize`: sign in to one of your identities (or create one) and see
 * its passkeys; add another passkey on this device.
 */
export function ManageView() {
  const services = useIdentityServices();
  const [state, setState] = useState<ManageState>({ step: 'signed-out', problem: undefined });

  const signIn = useCallback(
    (anchor: bigint) => {
      setState({ step: 'signing-in', anchor });
      services.signIn(anchor).then(
        (session) => {
          services.anchors.remember(anchor);
          setState({ step: 'signed-in', session, isNew: false });
        },
        (error: unknown) => setState({ step: 'signed-out', problem: toIdentityProblem(error) }),
      );
    },
    [services],
  );

  const create = useCallback(() => {
    setState({ step: 'creating' });
    services.createAnchor().then(
      (session) => {
        services.anchors.remember(session.anchor);
        setState({ step: 'signed-in', session, isNew: true });
      },
      (error: unknown) => setState({ step: 'signed-out', problem: toIdentityProblem(error) }),
    );
  }, [services]);

  switch (state.step) {
    case 'signed-out':
      return (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Apps on this network sign you in here. Sign in to see an identity’s passkeys, or create
            one.
          </p>
          {state.problem === undefined ? null : (
            <ErrorBanner title="Could not sign in" problem={state.problem} />
          )}
          <AnchorChooser
            rememberedAnchors={services.anchors.list()}
            busy={false}
            onSignIn={signIn}
            onCreate={create}
          />
        </>
      );
    case 'signing-in':
      return (
        <StatusMessage busy>
          Waiting for your passkey for identity {state.anchor.toString()}…
        </StatusMessage>
      );
    case 'creating':
      return (
        <StatusMessage busy>
          Creating your passkey… Your browser asks twice: once to create it, once to use it.
        </StatusMessage>
      );
    case 'signed-in':
      return (
        <SignedIn
          session={state.session}
          isNew={state.isNew}
          onSignOut={() => setState({ step: 'signed-out', problem: undefined })}
        />
      );
  }
}

type Devices =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded'; readonly devices: readonly WireDeviceData[] }
  | { readonly status: 'failed'; readonly problem: IdentityProblem };

function SignedIn({
  session,
  isNew,
  onSignOut,
}: {
  session: IiSession;
  isNew: boolean;
  onSignOut: () => void;
}) {
  const services = useIdentityServices();
  const [devices, setDevices] = useState<Devices>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [adding, setAdding] = useState(false);
  const [addProblem, setAddProblem] = useState<IdentityProblem | undefined>(undefined);

  useEffect(() => {
    let current = true;
    services.listDevices(session).then(
      (list) => current && setDevices({ status: 'loaded', devices: list }),
      (error: unknown) =>
        current && setDevices({ status: 'failed', problem: toIdentityProblem(error) }),
    );
    return () => {
      current = false;
    };
  }, [services, session, attempt]);

  const reload = () => {
    setDevices({ status: 'loading' });
    setAttempt((count) => count + 1);
  };

  const addPasskey = () => {
    setAdding(true);
    setAddProblem(undefined);
    services.addPasskey(session).then(
      () => {
        setAdding(false);
        reload();
      },
      (error: unknown) => {
        setAdding(false);
        setAddProblem(toIdentityProblem(error));
      },
    );
  };

  return (
    <>
      <AnchorBadge
        anchor={session.anchor}
        label={isNew ? 'Your new identity number' : 'Signed in as identity'}
      />
      {isNew ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Note it down: with this number and your passkey you sign in to apps on this network.
        </p>
      ) : null}
      <section className="space-y-3">
        <h2 className="text-base font-semibold">Passkeys</h2>
        {devices.status === 'loading' ? (
          <StatusMessage busy>Loading passkeys…</StatusMessage>
        ) : devices.status === 'failed' ? (
          <ErrorBanner title="Could not load passkeys" problem={devices.problem} onRetry={reload} />
        ) : (
          <DeviceList devices={devices.devices} />
        )}
        {addProblem === undefined ? null : (
          <ErrorBanner title="Could not add a passkey" problem={addProblem} />
        )}
        {adding ? <StatusMessage busy>Creating a passkey…</StatusMessage> : null}
        <button
          type="button"
          data-testid="add-passkey"
          disabled={adding}
          onClick={addPasskey}
          className={`${buttonClass('secondary')} w-full`}
        >
          Add a passkey on this device
        </button>
      </section>
      <button type="button" onClick={onSignOut} className={`${buttonClass('ghost')} w-full`}>
        Sign out
      </button>
    </>
  );
}
