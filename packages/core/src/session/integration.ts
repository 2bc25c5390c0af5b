import type { SessionOptions, Tokens } from './types.js';

/** What a session lets an integration (the page's tabs and events) see and do. */
export interface Host {
  /** The tokens held now. */
  readonly tokens: Tokens | null;
  /** When this tab took its tokens (epoch ms); 0 for tokens of unknown age (from storage or options). */
  readonly takenAt: number;
  /** Puts in place tokens a sibling obtained at `at`; a refresh under way is no longer needed. */
  adopt(tokens: Tokens, at: number): void;
  /** Signs out because a sibling did. */
  signOut(): void;
  /** Starts a proactive refresh when the token has passed its refresh point. */
  refreshIfDue(): void;
}

/** How an integration takes part in the session's refreshes. Every hook is optional. */
export interface Hooks {
  /**
   * Runs one refresh attempt (e.g. inside a cross-tab lock). Resolves undefined, without new tokens,
   * when the attempt became unnecessary (a sibling's fresh tokens arrived first).
   */
  guard?<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T | undefined>;
  /** This session obtained tokens (before the refresh's guard ends). */
  announce?(tokens: Tokens): void;
  /**
   * Asks elsewhere (sibling tabs) for tokens newer than ours, adopting them if they come; resolves when
   * the answer had its chance to arrive or `signal` aborts.
   */
  lookAround?(signal: AbortSignal): Promise<void>;
  /** This session signed out on purpose. */
  signedOut?(): void;
  /** Stops listening. */
  dispose?(): void;
}

/** Joins a session: called once while the session is built. */
export type Integration = (host: Host, options: SessionOptions) => Hooks;
