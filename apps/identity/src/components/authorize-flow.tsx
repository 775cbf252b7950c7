'use client';

import { REQUEST_TIMEOUT_MS } from '../lib/authorize-channel';
import { useIdentityServices } from '../lib/identity-services-context';
import { AnchorBadge } from './anchor-badge';
import { AnchorChooser } from './anchor-chooser';
import { buttonClass } from './button-styles';
import { ErrorBanner } from './error-banner';
import { StatusMessage } from './status-message';
import { useAuthorizeFlow, type AuthorizePhase, type DappRequest } from './use-authorize-flow';

/**
 * The page a dApp opens to sign the user in (`/#authorize`): which app is asking, the ways
 * to sign in, and what happens next. The logic is in {@link useAuthorizeFlow}.
 */
export function AuthorizeFlow() {
  const flow = useAuthorizeFlow();
  const { phase } = flow;
  return (
    <>
      {'dapp' in phase ? <DappHeading dapp={phase.dapp} /> : null}
      <PhaseBody flow={flow} />
    </>
  );
}

/** Which app is asking, and the origin its identity is derived for when that differs. */
function DappHeading({ dapp }: { dapp: DappRequest }) {
  const { derivationOrigin } = dapp.request;
  return (
    <div className="space-y-1">
      <p className="text-sm text-slate-500 dark:text-slate-400">Sign in to</p>
      <p data-testid="authorize-origin" className="font-mono text-lg font-semibold break-all">
        {dapp.origin}
      </p>
      {derivationOrigin === undefined || derivationOrigin === dapp.origin ? null : (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          with your identity for{' '}
          <span data-testid="derivation-origin" className="font-mono break-all">
            {derivationOrigin}
          </span>
          , which lets this app share it.
        </p>
      )}
    </div>
  );
}

function PhaseBody({ flow }: { flow: ReturnType<typeof useAuthorizeFlow> }) {
  const services = useIdentityServices();
  const { phase } = flow;
  switch (phase.step) {
    case 'waiting':
      return <StatusMessage busy>Waiting for the app’s sign-in request…</StatusMessage>;
    case 'no-opener':
      return <NoOpener reason={phase.reason} />;
    case 'timeout':
      return (
        <ErrorBanner
          title="The app did not send its sign-in request"
          message={`No request arrived within ${REQUEST_TIMEOUT_MS / 1000} seconds. Close this window and sign in again from the app.`}
        />
      );
    case 'invalid':
      return (
        <ErrorBanner
          title="The app’s sign-in request is malformed"
          message={`${phase.origin} sent a request this page cannot use: ${phase.problem}.`}
        />
      );
    case 'checking':
      return (
        <StatusMessage busy>
          Checking that {phase.dapp.request.derivationOrigin} lets this app use its identity…
        </StatusMessage>
      );
    case 'refused':
      return (
        <ErrorBanner
          title="This app may not sign in with that identity"
          message={`${phase.message} The app was told; you can close this window.`}
        />
      );
    case 'choose':
      return (
        <>
          {phase.problem === undefined ? null : (
            <ErrorBanner title="Could not sign in" problem={phase.problem} />
          )}
          <AnchorChooser
            rememberedAnchors={services.anchors.list()}
            busy={false}
            onSignIn={flow.signIn}
            onCreate={flow.create}
          />
          <CancelButton onCancel={flow.cancel} />
        </>
      );
    case 'signing-in':
      return (
        <StatusMessage busy>
          Waiting for your passkey for identity {phase.anchor.toString()}…
        </StatusMessage>
      );
    case 'creating':
      return (
        <StatusMessage busy>
          Creating your passkey… Your browser asks twice: once to create it, once to use it.
        </StatusMessage>
      );
    case 'created':
      return (
        <>
          <AnchorBadge anchor={phase.session.anchor} label="Your new identity number" />
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Note it down: with this number and your passkey you sign in to apps on this network.
          </p>
          <button
            type="button"
            data-testid="continue-passkey"
            onClick={flow.continueAfterCreate}
            className={`${buttonClass('primary')} w-full`}
          >
            Continue to the app
          </button>
          <CancelButton onCancel={flow.cancel} />
        </>
      );
    case 'delegating':
      return (
        <>
          <AnchorBadge anchor={phase.session.anchor} label="Signing in as identity" />
          <StatusMessage busy>Signing you in…</StatusMessage>
        </>
      );
    case 'done':
      return (
        <>
          <AnchorBadge anchor={phase.session.anchor} label="Signed in as identity" />
          <StatusMessage>
            Signed in. The app takes it from here and closes this window.
          </StatusMessage>
        </>
      );
    case 'failed':
      return <ErrorBanner title="Could not sign you in to the app" problem={phase.problem} />;
    case 'cancelled':
      return <StatusMessage>Sign-in cancelled. You can close this window.</StatusMessage>;
    case 'broken':
      return <ErrorBanner title="Something went wrong" problem={phase.problem} />;
  }
}

function NoOpener({
  reason,
}: {
  reason: Extract<AuthorizePhase, { step: 'no-opener' }>['reason'];
}) {
  return (
    <>
      <ErrorBanner
        title="Open this page from an app"
        message={
          reason === 'orphan'
            ? 'This page signs you in to apps. An app opens it when you choose to sign in with Internet Identity; opened on its own, there is no app to sign in to.'
            : 'The app that opened this page is gone, or it opened the page in a way that cut the link between them (noopener, or Cross-Origin-Opener-Policy: same-origin). Go back to the app and sign in again.'
        }
      />
      <a href="/" className={`${buttonClass('secondary')} w-full`}>
        See the identities of this browser
      </a>
    </>
  );
}

function CancelButton({ onCancel }: { onCancel: () => void }) {
  return (
    <button type="button" onClick={onCancel} className={`${buttonClass('ghost')} w-full`}>
      Cancel
    </button>
  );
}
