import type { Host } from '../session/integration.js';
import type { SessionOptions } from '../session/types.js';

/**
 * Renews a token that expired while nobody was looking, before the first request needs it: when the tab
 * becomes visible, the network comes back, or the machine wakes. Returns the function that stops listening.
 */
export function renewal(host: Host, renewOn: SessionOptions['renewOn']): () => void {
  const stops: Array<() => void> = [];
  const listen = (target: EventTarget, event: string, handler: () => void) => {
    target.addEventListener(event, handler);
    stops.push(() => target.removeEventListener(event, handler));
  };
  if (renewOn) {
    if (renewOn.visible !== false)
      listen(
        document,
        'visibilitychange',
        () => document.visibilityState === 'visible' && host.refreshIfDue(),
      );
    if (renewOn.online !== false) listen(window, 'online', host.refreshIfDue);
    if (renewOn.wake !== false) {
      // Timers stop while a machine sleeps: a tick that comes far too late means it woke up.
      let last = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - last > 40_000) host.refreshIfDue();
        last = Date.now();
      }, 10_000);
      stops.push(() => clearInterval(timer));
    }
  }
  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}
