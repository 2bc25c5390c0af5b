import type { CheckConfig } from '@expiryproof/playwright/check';

/** How `expiryproof check` drives this demo; `prefix` picks the client ('' resilient, '/lazy', or a test fixture's). */
export function demoCheckConfig(baseURL: string, prefix = ''): CheckConfig {
  return {
    baseURL,
    login: {
      path: `${prefix}/login`,
      fields: { 'input[name=email]': 'demo@example.com', 'input[name=password]': 'demo-password' },
      submit: 'button[type=submit]',
      done: `**${prefix}/settings/profile`,
    },
    form: {
      path: `${prefix}/settings/profile`,
      field: '#bio',
      save: '#save-btn',
      success: '.success-message',
      saveRequest: '**/api/profile/save',
    },
    api: '**/api/**',
    refresh: '**/auth/refresh',
    loginPage: `**${prefix}/login`,
    reauth: {
      dialog: '#reauth-dialog',
      fields: { '#reauth-dialog input[type=password]': 'demo-password' },
      submit: '#reauth-dialog button[type=submit]',
    },
    concurrent: { path: `${prefix}/dashboard`, ready: '[data-panel].loaded', count: 6 },
    thirdParty: { path: `${prefix}/dashboard`, pattern: 'https://status.example.test/**' },
    tabs: { path: `${prefix}/dashboard` },
    logout: 'nav button:has-text("Sign out")',
  };
}
