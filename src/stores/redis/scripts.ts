/**
 * The Lua scripts behind the Redis store. Every script touches exactly one key, so each runs on
 * Redis Cluster too (a multi-key script would fail with CROSSSLOT once keys hash to different
 * slots). They are registered with ioredis's `defineCommand`, which sends `EVALSHA` and falls back
 * to `EVAL` when the server has not seen the script (after a restart, on a new cluster node).
 */
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/**
 * Writes an entry hash. KEYS[1] entry key; ARGV: value bytes, metadata, tags JSON (`''`: none),
 * TTL in ms. HSET rather than DEL + HSET: overwriting `v` and `m` in place is one allocation
 * less for Redis, and only `t` can be left over from the previous entry. Returns 1 when it
 * replaced an entry (HSET added no field), else 0: the store then tells other nodes.
 */
const SET_ENTRY = `
local added = redis.call('HSET', KEYS[1], 'v', ARGV[1], 'm', ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 't') else redis.call('HSET', KEYS[1], 't', ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if added == 0 then return 1 else return 0 end`;

/**
 * Adds an entry key to a tag set and makes the set live at least as long as that entry.
 * KEYS[1] tag set; ARGV: entry key, TTL in ms. `PEXPIRE ... GT` would not do: it treats a new
 * set (no TTL yet) as immortal and leaves it so.
 */
const ADD_TAG = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/** Returns a tag set's members and deletes it, atomically. KEYS[1] tag set. */
const POP_TAG = `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return members`;

/**
 * Deletes an entry only if it still carries one of the given tags: tag sets are never pruned on
 * overwrite or delete (that would cost a read per write), so a member may be stale. KEYS[1]
 * entry key; ARGV: tags. Returns 1 when deleted.
 */
const DROP_TAGGED = `
local t = redis.call('HGET', KEYS[1], 't')
if not t then return 0 end
local ok, tags = pcall(cjson.decode, t)
if not ok or type(tags) ~= 'table' then return 0 end
for _, have in ipairs(tags) do
  for i = 1, #ARGV do
    if have == ARGV[i] then
      redis.call('UNLINK', KEYS[1])
      return 1
    end
  end
end
return 0`;

/** Compare-and-delete of a lease: only its holder's token frees it. KEYS[1] lease; ARGV[1] token. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The scripts as methods, once {@link defineScripts} ran on a client (or its pipelines). */
export interface ScriptCommands {
  keepsakeSetEntry(
    key: string,
    value: Uint8Array,
    meta: Buffer,
    tags: string,
    ttl: number,
  ): Promise<number>;
  keepsakeAddTag(tagKey: string, member: string, ttl: number): Promise<number>;
  keepsakePopTag(tagKey: string): Promise<string[]>;
  keepsakeDropTagged(key: string, ...tags: string[]): Promise<number>;
  keepsakeRelease(leaseKey: string, token: string): Promise<number>;
}

/** The same methods on a pipeline or `multi()`: they queue and return the pipeline. */
export interface ScriptPipeline extends ChainableCommander {
  keepsakeSetEntry(key: string, value: Uint8Array, meta: Buffer, tags: string, ttl: number): this;
  keepsakeAddTag(tagKey: string, member: string, ttl: number): this;
  keepsakePopTag(tagKey: string): this;
  keepsakeDropTagged(key: string, ...tags: string[]): this;
}

/** A client with the scripts defined. */
export type ScriptClient = (Redis | Cluster) & ScriptCommands;

/**
 * Defines the store's scripts on `client` (idempotent; the names are namespaced `keepsake*` so
 * they cannot clash with a user's own `defineCommand`s).
 *
 * @example
 * ```ts
 * const scripted = defineScripts(new Redis());
 * await scripted.keepsakeRelease('keepsake:l:k', token);
 * ```
 */
export function defineScripts(client: Redis | Cluster): ScriptClient {
  const scripted = client as ScriptClient;
  if (typeof scripted.keepsakeSetEntry === 'function') return scripted;
  client.defineCommand('keepsakeSetEntry', { numberOfKeys: 1, lua: SET_ENTRY });
  client.defineCommand('keepsakeAddTag', { numberOfKeys: 1, lua: ADD_TAG });
  client.defineCommand('keepsakePopTag', { numberOfKeys: 1, lua: POP_TAG });
  client.defineCommand('keepsakeDropTagged', { numberOfKeys: 1, lua: DROP_TAGGED });
  client.defineCommand('keepsakeRelease', { numberOfKeys: 1, lua: RELEASE });
  return scripted;
}
