import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Redis store's Lua scripts. Each store operation that reads more than one key or writes is one script,
 * so it runs atomically on the server: no other command runs between its reads and its writes.
 *
 * Keys: `<prefix>t:<token hash>` (a hash: family, subject, issued_at, expires_at, spent_at, successor,
 * idempotency_key), `<prefix>f:<family id>` (a hash: subject, created_at, revoked_at, revoked_reason,
 * access_denied_until, keep_until) and `<prefix>d:<family id>` (the deny-list entry: its end, as a string).
 * Every key expires (`PEXPIREAT`): a token when it expires, or `keepSpentFor` after its rotation if that is
 * later; a family with the last of its tokens or its deny-list entry; the deny-list entry at its end.
 * Times are milliseconds since the epoch, as decimal strings.
 */

/** A script's source and SHA-1, for `EVALSHA` (with `EVAL` when the server does not have it cached). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

const PRELUDE = `
local function later(a, b)
  if tonumber(a) >= tonumber(b) then return a end
  return b
end
-- An expiry time for PEXPIREAT, which takes whole milliseconds.
local function at(ms)
  return string.format('%d', math.ceil(tonumber(ms)))
end
-- What findToken answers for the token at tokenKey, or false: the token's fields ('' for none) and its
-- family's revoked_at ('' for none). A token whose family is gone is as good as gone.
local function read(tokenKey, familyKey)
  local t = redis.call('HMGET', tokenKey, 'family', 'subject', 'issued_at', 'expires_at', 'spent_at',
    'successor', 'idempotency_key')
  if not t[1] then return false end
  local f = redis.call('HMGET', familyKey(t[1]), 'subject', 'revoked_at')
  if not f[1] then return false end
  return { t[1], t[2], t[3], t[4], t[5] or '', t[6] or '', t[7] or '', f[2] or '' }
end
`;

const script = (body: string): LuaScript => {
  const source = `${PRELUDE}${body}`;
  return { source, sha: createHash('sha1').update(source).digest('hex') };
};

/** KEYS: family, first token. ARGV: family id, subject, issued_at, expires_at. */
export const CREATE_FAMILY = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('createFamily: the family exists') end
redis.call('HSET', KEYS[1], 'subject', ARGV[2], 'created_at', ARGV[3], 'keep_until', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], at(ARGV[4]))
redis.call('HSET', KEYS[2], 'family', ARGV[1], 'subject', ARGV[2], 'issued_at', ARGV[3], 'expires_at', ARGV[4])
redis.call('PEXPIREAT', KEYS[2], at(ARGV[4]))
return 1
`);

/** KEYS: token. ARGV: its hash. The family key is the token key with `t:<hash>` replaced by `f:<family>`. */
export const FIND_TOKEN = script(`
local base = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1] - 2)
return read(KEYS[1], function(family) return base .. 'f:' .. family end)
`);

/**
 * KEYS: parent, child, family. ARGV: now, successor, idempotency key ('' for none), family id, child
 * subject, child issued_at, child expires_at, keepSpentFor. Answers `{1}` when it rotated, else `{0}`
 * followed by what {@link FIND_TOKEN} answers for the parent.
 */
export const ROTATE = script(`
local p = redis.call('HMGET', KEYS[1], 'family', 'expires_at', 'spent_at')
if p[1] and p[1] ~= ARGV[4] then return redis.error_reply("rotate: the child must be in the parent's family") end
local f = redis.call('HMGET', KEYS[3], 'revoked_at', 'keep_until')
-- The atomic condition: the parent exists, is unspent and unexpired, and its family exists unrevoked.
if not p[1] or p[3] or tonumber(p[2]) <= tonumber(ARGV[1]) or f[1] or not f[2] then
  local parent = read(KEYS[1], function() return KEYS[3] end)
  if not parent then return { 0 } end
  table.insert(parent, 1, 0)
  return parent
end
local keep = later(p[2], tonumber(ARGV[1]) + tonumber(ARGV[8]))
redis.call('HSET', KEYS[1], 'spent_at', ARGV[1], 'successor', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'idempotency_key', ARGV[3]) end
redis.call('PEXPIREAT', KEYS[1], at(keep))
redis.call('HSET', KEYS[2], 'family', ARGV[4], 'subject', ARGV[5], 'issued_at', ARGV[6], 'expires_at', ARGV[7])
redis.call('PEXPIREAT', KEYS[2], at(ARGV[7]))
local familyKeep = at(later(later(f[2], keep), ARGV[7]))
redis.call('HSET', KEYS[3], 'keep_until', familyKeep)
redis.call('PEXPIREAT', KEYS[3], familyKeep)
return { 1 }
`);

/** KEYS: family, deny-list entry. ARGV: at, reason, deny access until. Answers the subject, or nil. */
export const REVOKE_FAMILY = script(`
local f = redis.call('HMGET', KEYS[1], 'subject', 'revoked_at', 'keep_until')
if not f[1] or f[2] then return false end
local keep = at(later(f[3], ARGV[3]))
redis.call('HSET', KEYS[1], 'revoked_at', ARGV[1], 'revoked_reason', ARGV[2], 'access_denied_until', ARGV[3],
  'keep_until', keep)
redis.call('PEXPIREAT', KEYS[1], keep)
redis.call('SET', KEYS[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[2], at(ARGV[3]))
return f[1]
`);

/**
 * Runs a script by its SHA-1 (`EVALSHA`), sending the source (`EVAL`, which also caches it) only when the
 * server answers `NOSCRIPT`: after a restart, a `SCRIPT FLUSH` or on a fresh replica.
 */
export async function runScript(
  client: Redis,
  { sha, source }: LuaScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  try {
    return await client.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(source, keys.length, ...keys, ...args);
  }
}
