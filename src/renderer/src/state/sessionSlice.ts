/**
 * Session slice (onboarding: register, sign in, link this device): the signed-in state main
 * reports, the onboarding forms' pending call and typed error, and the new-device side of device linking
 * (the link code and QR to show, then the confirmation code to compare).
 */
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { BridgeClient } from '../bridge/client';
import type { linkOfferSchema, linkStatusSchema } from '../../../common/ipc/schemas/devices';
import type { Session } from '../../../common/ipc/schemas/session';
import type { SignInChoices } from '../../../common/ipc/schemas/sso';
import { toUiError, type UiError } from '../model/uiError';

export type LinkOffer = z.infer<typeof linkOfferSchema>;
export type LinkStatus = z.infer<typeof linkStatusSchema>;
export type { SignInChoices };

export interface RegisterInput {
  username: string;
  displayName: string;
  password: string;
  deviceName: string;
}

export interface SessionSlice {
  session: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    current: Session | null;
    busy: boolean;
    error: UiError | null;
    linkOffer: LinkOffer | null;
    linkStatus: LinkStatus | null;
    /** What the organisation and policy let this device offer; null until known (then every form shows). */
    choices: SignInChoices | null;
    /** A company sign-in is open in the system browser. */
    ssoPending: boolean;
    /** The first-run tour shows: an account was just created on this device. */
    tour: boolean;
  };
  loadSession(): Promise<void>;
  register(input: RegisterInput): Promise<void>;
  signIn(input: { username: string; password: string; deviceName: string }): Promise<void>;
  signOut(): Promise<void>;
  startDeviceLink(input: { username: string; password: string; deviceName: string }): Promise<void>;
  refreshLinkStatus(): Promise<void>;
  loadSignInChoices(): Promise<void>;
  signInWithSso(deviceName: string): Promise<void>;
  cancelSso(): Promise<void>;
  applySession(session: Session): void;
  applyLinkStatus(status: LinkStatus): void;
  clearSessionError(): void;
  dismissTour(): void;
}

export const initialSessionState: SessionSlice['session'] = {
  status: 'idle',
  current: null,
  busy: false,
  error: null,
  linkOffer: null,
  linkStatus: null,
  choices: null,
  ssoPending: false,
  tour: false,
};

export function createSessionSlice(bridge: BridgeClient): StateCreator<SessionSlice, [], [], SessionSlice> {
  return (set) => {
    const patch = (p: Partial<SessionSlice['session']>) => set((s) => ({ session: { ...s.session, ...p } }));
    async function call(work: () => Promise<Session>, after: Partial<SessionSlice['session']> = {}): Promise<void> {
      patch({ busy: true, error: null });
      try {
        const current = await work();
        patch({ busy: false, current, status: 'ready', ...(current.state === 'signedIn' ? after : {}) });
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
      }
    }
    return {
      session: initialSessionState,
      async loadSession() {
        patch({ status: 'loading', error: null });
        try {
          patch({ status: 'ready', current: await bridge.session() });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      register: (input) => call(() => bridge.register(input), { tour: true }),
      signIn: (input) => call(() => bridge.signIn(input)),
      signOut: () => call(() => bridge.signOut()),
      async startDeviceLink(input) {
        patch({ busy: true, error: null, linkStatus: null });
        try {
          patch({ busy: false, linkOffer: await bridge.startDeviceLink(input) });
        } catch (e) {
          patch({ busy: false, error: toUiError(e) });
        }
      },
      async refreshLinkStatus() {
        try {
          patch({ linkStatus: await bridge.deviceLinkStatus() });
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
      async loadSignInChoices() {
        try {
          patch({ choices: await bridge.signInChoices() });
        } catch {
          // An older key service, or no messenger: every form shows, and main still enforces policy.
          patch({ choices: null });
        }
      },
      async signInWithSso(deviceName) {
        patch({ busy: true, ssoPending: true, error: null, linkStatus: null });
        try {
          const result = await bridge.signInWithSso({ deviceName });
          if (result.kind === 'signedIn') patch({ busy: false, ssoPending: false, current: result.session, status: 'ready' });
          else patch({ busy: false, ssoPending: false, linkOffer: result.offer });
        } catch (e) {
          patch({ busy: false, ssoPending: false, error: toUiError(e) });
        }
      },
      async cancelSso() {
        await bridge.cancelSso().catch(() => undefined);
      },
      applySession: (current) => patch(current.state === 'signedIn' ? { current, status: 'ready', linkOffer: null } : { current, status: 'ready' }),
      applyLinkStatus: (linkStatus) => patch({ linkStatus }),
      clearSessionError: () => patch({ error: null }),
      dismissTour: () => patch({ tour: false }),
    };
  };
}

export const sessionSelectors = {
  status: (s: SessionSlice) => s.session.status,
  current: (s: SessionSlice) => s.session.current,
  signedIn: (s: SessionSlice) => s.session.current?.state === 'signedIn',
  selfUserId: (s: SessionSlice) => (s.session.current?.state === 'signedIn' ? s.session.current.user.userId : null),
  busy: (s: SessionSlice) => s.session.busy,
  error: (s: SessionSlice) => s.session.error,
  linkOffer: (s: SessionSlice) => s.session.linkOffer,
  linkStatus: (s: SessionSlice) => s.session.linkStatus,
  choices: (s: SessionSlice) => s.session.choices,
  ssoPending: (s: SessionSlice) => s.session.ssoPending,
  tour: (s: SessionSlice) => s.session.tour && s.session.current?.state === 'signedIn',
};
