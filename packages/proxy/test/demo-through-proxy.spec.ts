/**
 * The phone story on a desktop: Chromium uses expiryproof-proxy as its HTTP proxy (as a phone's Wi-Fi settings
 * would), a tester arms a strip-Authorization rule through the control API, and the save must survive.
 * The lazy client runs the same steps and must fail them, or this test would prove nothing.
 */
import { expect, type Page, test } from '@playwright/test';
import { debug, expectSaveSurvived, expectTextLost, startEditing } from '../../../examples/demo/e2e/demo.js';
import { createProxy, createProxyClient, type ProxyClient } from '../src/index.js';

const useProxy = test.extend<{ proxied: { page: Page; client: ProxyClient } }>({
  proxied: async ({ browser, baseURL }, use) => {
    const proxy = createProxy({ listen: '127.0.0.1:0', api: '127.0.0.1:0' });
    const { url, apiUrl } = await proxy.listen();
    // Chromium skips proxies for loopback addresses unless told otherwise.
    const context = await browser.newContext({
      ...(baseURL ? { baseURL } : {}),
      proxy: { server: url, bypass: '<-loopback>' },
    });
    await use({ page: await context.newPage(), client: createProxyClient({ url: apiUrl as string }) });
    await context.close();
    await proxy.close();
  },
});

const STRIP_SAVE = {
  id: 'strip-save',
  match: { method: 'POST', path: '/api/profile/save' },
  action: { stripHeaders: ['authorization'] },
  times: 1,
};

useProxy.beforeEach(async ({ request }) => {
  await debug(request).reset();
});

useProxy(
  'resilient client behind the proxy: the save survives the stripped token',
  async ({ proxied, request }) => {
    const { page, client } = proxied;
    const visited = await startEditing(page);
    await client.rules.add(STRIP_SAVE);

    await page.click('#save-btn');

    await expectSaveSurvived(page, visited, request);
    // The browser's traffic really went through the proxy, and the rule fired once on the save.
    expect(await client.rules.get('strip-save')).toMatchObject({ state: 'spent', hits: 1 });
    const saves = (await client.log()).filter((entry) => entry.url.endsWith('/api/profile/save'));
    expect(saves.map((entry) => [entry.status, entry.rules])).toEqual([
      [401, ['strip-save']],
      [200, []],
    ]);
  },
);

useProxy(
  'lazy client behind the proxy fails the same steps: sent to /login, the text lost',
  async ({ proxied }) => {
    const { page, client } = proxied;
    await startEditing(page, '/lazy');
    await client.rules.add(STRIP_SAVE);

    await page.click('#save-btn');

    await expectTextLost(page);
    expect(await client.rules.get('strip-save')).toMatchObject({ hits: 1 });
  },
);
