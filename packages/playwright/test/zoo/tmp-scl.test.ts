import { it } from 'vitest';
import { zooApp } from './apps.js';
import { auditZooApp, explain } from './audit-zoo.js';

it('session-check-login/correct', async () => {
  const { result } = await auditZooApp(zooApp('session-check-login/correct'), {
    check: { scenarios: ['mid-flight-expiry', 'token-leak'] },
  });
  console.log('SETUP', result.setupError, 'SIGNIN', result.signIn);
  console.log(explain(result));
}, 300_000);
