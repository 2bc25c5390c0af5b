/**
 * Runs the audit on zoo apps exactly as a user would: the app started with an ordinary token lifetime (or
 * a short one, for natural expiry), the config a person would write, nothing telling the audit how the
 * credential travels.
 */

import type { CheckConfig, CheckOptions, CheckResult } from '../../src/check.js';
import { runCheck, validateConfig } from '../../src/check.js';
import { auditConfigFor, journeyAuditConfigFor, ZOO_APPS } from './apps.js';
import { startThirdParty, startZooApp, type ZooAppOptions } from './server/index.js';
import type { ZooApp } from './types.js';

export interface ZooAudit {
  result: CheckResult;
  ms: number;
  /** Sign-ins the server saw during the whole audit (discovery included). */
  logins: number;
}

/** Starts the app (and its third party), audits it, stops both. `tweak` edits the config first. */
export async function auditZooApp(
  app: ZooApp,
  options: {
    accessTtlMs?: number;
    loginLimit?: number;
    loginWindowMs?: number;
    tweak?: (config: CheckConfig) => CheckConfig;
    check?: CheckOptions;
  } = {},
): Promise<ZooAudit> {
  const third = await startThirdParty();
  const serverOptions: ZooAppOptions = {
    accessTtlMs: options.accessTtlMs ?? 300_000,
    thirdPartyOrigin: third.origin,
  };
  if (options.loginLimit !== undefined) serverOptions.loginLimit = options.loginLimit;
  if (options.loginWindowMs !== undefined) serverOptions.loginWindowMs = options.loginWindowMs;
  const zoo = await startZooApp(app, serverOptions);
  try {
    // The first zoo speaks the `form` shape; the journey and tab apps the `journeys` one.
    const configFor = ZOO_APPS.includes(app) ? auditConfigFor : journeyAuditConfigFor;
    const base = validateConfig(configFor(app, zoo.origin, third.origin), app.name);
    const config = options.tweak ? options.tweak(base) : base;
    const began = Date.now();
    const result = await runCheck(config, { concurrency: 3, ...options.check });
    return { result, ms: Date.now() - began, logins: (await zoo.control.stats()).logins };
  } finally {
    await Promise.all([zoo.close(), third.close()]);
  }
}

/** scenario → status, for comparing with the truth. */
export const statuses = (result: CheckResult) =>
  Object.fromEntries(result.scenarios.map((s) => [s.name, s.status]));

/** Every scenario's status, details and evidence: the message of a failed comparison. */
export const explain = (result: CheckResult) =>
  result.scenarios
    .map(
      (s) => `${s.name}: ${s.status} — ${s.details}${s.evidence.length ? `; ${s.evidence.join(' | ')}` : ''}`,
    )
    .join('\n');
