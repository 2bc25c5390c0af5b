import type { Hooks, Host } from '../session/integration.js';
import type { SessionOptions } from '../session/types.js';
import { sleep } from '../session/wait.js';
import { createCrossTab, type TabMessage } from './cross-tab.js';

/**
 * Makes the tabs of one origin act as one session: one refresh at a time across them, its tokens shared,
 * a tab whose refresh token a sibling just spent takes the sibling's tokens, and a logout reaches all.
 * Without BroadcastChannel (React Native, old browsers) it does nothing: the session is single-tab.
 */
export function tabSync(host: Host, option: SessionOptions['crossTab']): Hooks {
  const crossTab = option
    ? createCrossTab(
        `expiryproof:${(typeof option === 'object' && option.name) || 'session'}`,
        onMessage,
        (typeof option === 'object' && option.locks) || undefined,
      )
    : undefined;
  if (!crossTab) return {};

  function onMessage(message: TabMessage) {
    if (message.type === 'logout') return host.signOut();
    if (message.type === 'ask') {
      if (host.tokens && host.takenAt)
        crossTab?.publish({ type: 'tokens', tokens: host.tokens, at: host.takenAt });
      return;
    }
    // Only tokens newer than ours, and from the latest refresh we know of: a sibling that has not caught
    // up yet may answer with tokens as stale as our own.
    if (
      message.type === 'tokens' &&
      message.at > host.takenAt &&
      message.at >= (crossTab?.lastSiblingRefresh() ?? 0) &&
      // The very token we hold (a sibling that loaded the same stale one) is no news.
      message.tokens.accessToken !== host.tokens?.accessToken
    )
      host.adopt(message.tokens, message.at);
  }

  // A sibling that refreshed after we took our tokens has sent newer ones; adopting them ends the refresh.
  const siblingAhead = () => crossTab.lastSiblingRefresh() > host.takenAt;
  // Ask the siblings for their newer tokens; one that has them answers within milliseconds.
  const adoption = (signal: AbortSignal) => {
    crossTab.publish({ type: 'ask' });
    return sleep(250, signal);
  };

  return {
    guard: (attempt, signal) =>
      crossTab.exclusive(async () => {
        if (siblingAhead()) await adoption(signal);
        if (signal.aborted) return undefined;
        try {
          const tokens = await attempt();
          // Hold the lock a moment so our tokens reach the siblings before one of them takes it.
          await sleep(25, signal);
          return tokens;
        } catch (error) {
          // Our refresh token may have been spent by a sibling a moment ago: wait for its tokens first.
          if (!siblingAhead()) throw error;
          await adoption(signal);
          if (signal.aborted) return undefined;
          throw error;
        }
      }, signal),
    announce(tokens) {
      const at = Date.now();
      crossTab.publish({ type: 'tokens', tokens, at });
      crossTab.markRefreshed(at);
    },
    // A refresh answer was lost and the retry refused: a sibling may hold newer tokens of its own (it
    // refreshed, or someone signed in there) that spare the person a sign-in.
    lookAround: adoption,
    signedOut: () => crossTab.publish({ type: 'logout' }),
    dispose: () => crossTab.close(),
  };
}
