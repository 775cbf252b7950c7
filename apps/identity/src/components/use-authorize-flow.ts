'use client';

import { useCallback, useEffect, useState } from 'react';
import type { AuthorizeReply } from '../lib/authorize-channel';
import { USER_INTERRUPT, type AuthorizeRequest } from '../lib/authorize-protocol';
import {
  describeIdentityProblem,
  toIdentityProblem,
  type IdentityProblem,
} from '../lib/identity-error';
import { useIdentityServices } from '../lib/identity-services-context';
import type { IiSession } from '../lib/passkey-auth';

/** The dApp's request, and how to answer it. */
export interface DappRequest {
  /** The dApp's origin: answers go there; it is shown as the app asking. */
  readonly origin: string;
  readonly request: AuthorizeRequest;
  readonly reply: AuthorizeReply;
}

/** A request whose frontend origin is settled (see `derivation-origin.ts`). */
export interface ResolvedDappRequest extends DappRequest {
  readonly frontendOrigin: string;
}

/** Where the authorize flow is. */
export type AuthorizePhase =
  | { readonly step: 'waiting' }
  | { readonly step: 'no-opener'; readonly reason: 'orphan' | 'closed' }
  | { readonly step: 'timeout' }
  /** A malformed request; nothing is answered (§1.3). */
  | { readonly step: 'invalid'; readonly origin: string; readonly problem: string }
  | { readonly step: 'checking'; readonly dapp: DappRequest }
  /** The derivation origin was refused; the dApp got a failure. */
  | { readonly step: 'refused'; readonly dapp: DappRequest; readonly message: string }
  /** Choosing how to sign in; `problem` is why the last attempt failed. */
  | {
      readonly step: 'choose';
      readonly dapp: ResolvedDappRequest;
      readonly problem: IdentityProblem | undefined;
    }
  | { readonly step: 'signing-in'; readonly dapp: ResolvedDappRequest; readonly anchor: bigint }
  | { readonly step: 'creating'; readonly dapp: ResolvedDappRequest }
  /** A new anchor exists; its number is shown until the user continues. */
  | { readonly step: 'created'; readonly dapp: ResolvedDappRequest; readonly session: IiSession }
  | {
      readonly step: 'delegating';
      readonly dapp: ResolvedDappRequest;
      readonly session: IiSession;
    }
  /** The dApp got its delegation; auth-client closes the window. */
  | { readonly step: 'done'; readonly dapp: ResolvedDappRequest; readonly session: IiSession }
  /** Issuing the delegation failed; the dApp got a failure. */
  | {
      readonly step: 'failed';
      readonly dapp: ResolvedDappRequest;
      readonly session: IiSession;
      readonly problem: IdentityProblem;
    }
  /** The user gave up; the dApp got `UserInterrupt`. */
  | { readonly step: 'cancelled'; readonly dapp: DappRequest }
  /** Something no step expects. */
  | { readonly step: 'broken'; readonly problem: IdentityProblem };

/** The flow's state and what the user can do in it. */
export interface AuthorizeFlow {
  readonly phase: AuthorizePhase;
  /** Signs in `anchor` (from `choose`), then hands the dApp its delegation. */
  signIn(anchor: bigint): void;
  /** Creates a passkey and an anchor (from `choose`); stops at `created`. */
  create(): void;
  /** Hands the dApp its delegation for the anchor just created (from `created`). */
  continueAfterCreate(): void;
  /** Gives up (from `choose` or `created`): the dApp gets `UserInterrupt`. */
  cancel(): void;
}

/**
 * The authorize flow (§1.3): wait for the dApp's request, settle the frontend origin, sign
 * in or create an anchor, then answer with the delegation. Sign-in problems stay on the page
 * to retry; a refused derivation origin, a failed delegation and a cancel are answered with
 * `authorize-client-failure`, at the dApp's origin.
 */
export function useAuthorizeFlow(): AuthorizeFlow {
  const services = useIdentityServices();
  const [phase, setPhase] = useState<AuthorizePhase>({ step: 'waiting' });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const start = async () => {
      const outcome = await services.waitForAuthorizeRequest(signal);
      if (outcome.status !== 'request') {
        setPhase(
          outcome.status === 'no-opener'
            ? { step: 'no-opener', reason: outcome.reason }
            : outcome.status === 'invalid'
              ? { step: 'invalid', origin: outcome.origin, problem: outcome.problem }
              : { step: 'timeout' },
        );
        return;
      }
      const dapp: DappRequest = {
        origin: outcome.origin,
        request: outcome.request,
        reply: outcome.reply,
      };
      const { derivationOrigin } = dapp.request;
      if (derivationOrigin !== undefined) {
        setPhase({ step: 'checking', dapp });
      }
      const resolved = await services.resolveFrontendOrigin({
        requestOrigin: dapp.origin,
        derivationOrigin,
      });
      if (signal.aborted) {
        return;
      }
      if (!resolved.ok) {
        dapp.reply.fail(`Invalid derivationOrigin "${derivationOrigin}": ${resolved.message}`);
        setPhase({ step: 'refused', dapp, message: resolved.message });
        return;
      }
      setPhase({
        step: 'choose',
        dapp: { ...dapp, frontendOrigin: resolved.frontendOrigin },
        problem: undefined,
      });
    };
    start().catch((error: unknown) => {
      if (!signal.aborted) {
        setPhase({ step: 'broken', problem: toIdentityProblem(error) });
      }
    });
    return () => controller.abort();
  }, [services]);

  const delegate = useCallback(
    async (dapp: ResolvedDappRequest, session: IiSession) => {
      setPhase({ step: 'delegating', dapp, session });
      try {
        const message = await services.issueClientDelegation(session, {
          frontendOrigin: dapp.frontendOrigin,
          sessionPublicKey: dapp.request.sessionPublicKey,
          maxTimeToLive: dapp.request.maxTimeToLive,
        });
        dapp.reply.succeed(message);
        setPhase({ step: 'done', dapp, session });
      } catch (error) {
        const problem = toIdentityProblem(error);
        dapp.reply.fail(describeIdentityProblem(problem));
        setPhase({ step: 'failed', dapp, session, problem });
      }
    },
    [services],
  );

  const signIn = useCallback(
    (anchor: bigint) => {
      if (phase.step !== 'choose') {
        return;
      }
      const { dapp } = phase;
      setPhase({ step: 'signing-in', dapp, anchor });
      services.signIn(anchor).then(
        (session) => {
          services.anchors.remember(anchor);
          return delegate(dapp, session);
        },
        (error: unknown) => setPhase({ step: 'choose', dapp, problem: toIdentityProblem(error) }),
      );
    },
    [phase, services, delegate],
  );

  const create = useCallback(() => {
    if (phase.step !== 'choose') {
      return;
    }
    const { dapp } = phase;
    setPhase({ step: 'creating', dapp });
    services.createAnchor().then(
      (session) => {
        services.anchors.remember(session.anchor);
        setPhase({ step: 'created', dapp, session });
      },
      (error: unknown) => setPhase({ step: 'choose', dapp, problem: toIdentityProblem(error) }),
    );
  }, [phase, services]);

  const continueAfterCreate = useCallback(() => {
    if (phase.step === 'created') {
      void delegate(phase.dapp, phase.session);
    }
  }, [phase, delegate]);

  const cancel = useCallback(() => {
    if (phase.step === 'choose' || phase.step === 'created') {
      phase.dapp.reply.fail(USER_INTERRUPT);
      setPhase({ step: 'cancelled', dapp: phase.dapp });
    }
  }, [phase]);

  return { phase, signIn, create, continueAfterCreate, cancel };
}
