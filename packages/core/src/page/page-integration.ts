import type { Integration } from '../session/integration.js';
import { renewal } from './renewal.js';
import { tabSync } from './tab-sync.js';

/** What the default entry adds in a page: cross-tab coordination and renewal triggers, both on unless turned off. */
export const pageIntegration: Integration = (host, options) => {
  const inPage = typeof document !== 'undefined' && typeof window !== 'undefined';
  const tabs = tabSync(host, options.crossTab ?? inPage);
  const stopRenewal = renewal(host, inPage && (options.renewOn ?? {}));
  return {
    ...tabs,
    dispose() {
      tabs.dispose?.();
      stopRenewal();
    },
  };
};
