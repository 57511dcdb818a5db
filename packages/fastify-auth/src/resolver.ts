import type { Cluster, Redis } from 'ioredis'
import { SessionCache } from './cache.js'
import { sessionKeyOf, userKeys } from './keys.js'
import { LAST_SEEN_EVERY_MS, readResolved, RESOLVE_SESSION, SLIDE_AFTER_MS, type Timing } from './resolve-script.js'
import { parseToken, tokenDigest } from './token.js'
import { clusterTopology, standaloneTopology, type Topology } from './topology.js'
import type { SessionUser } from './user.js'

export interface ResolverSettings {
  /** SESSION_TTL_SECONDS of the Sesame that issues the tokens (default 2,592,000). */
  ttlSeconds?: number
  /** SESSION_SLIDING (default true). */
  sliding?: boolean
  /** SESSION_MAX_LIFETIME_SECONDS (default 15,552,000; 0: none). */
  maxLifetimeSeconds?: number
  /** How many resolved sessions to keep in memory (SESSION_CACHE_SIZE, default 100,000; 0: no cache, no extra connections). */
  cacheSize?: number
  /** Told of connection errors of the cache's own connections (they reconnect by themselves). */
  onError?: (err: Error) => void
}

const COMMAND = 'sesameResolveSession'
type Run = (...args: Array<string | number>) => Promise<string[] | null>

const runnerOf = (redis: Redis | Cluster): Run => {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 3, lua: RESOLVE_SESSION })
  return (redis as unknown as Record<typeof COMMAND, Run>)[COMMAND].bind(redis)
}

const isCluster = (redis: Redis | Cluster): redis is Cluster => 'isCluster' in redis && redis.isCluster

/**
 * Token → user, the one resolver of Sesame and of the Fastify plugin. A miss is one round trip (the
 * resolve script: sliding TTL, last_seen_at at most once a minute, the absolute lifetime). A hit is none:
 * it comes from memory that Redis invalidates (client-side caching, SPEC §12), and that memory is only
 * trusted while the invalidation channel of the key's node is up.
 */
export function createSessionResolver (redis: Redis | Cluster, settings: ResolverSettings = {}) {
  const maxLifetimeMs = (settings.maxLifetimeSeconds ?? 15_552_000) * 1000
  const ttlSeconds = settings.ttlSeconds ?? 2_592_000
  const ttlMs = maxLifetimeMs > 0 ? Math.min(ttlSeconds * 1000, maxLifetimeMs) : ttlSeconds * 1000
  const timing: Timing = { ttlMs, slideAfterMs: settings.sliding === false ? 0 : SLIDE_AFTER_MS, maxLifetimeMs }
  const cacheSize = settings.cacheSize ?? 100_000
  const cache = new SessionCache(cacheSize)
  const onError = settings.onError ?? (() => {})
  const events = {
    invalidate: (key: string | null) => { if (key === null) cache.clear(); else cache.invalidate(key) },
    lost: () => cache.clear(),
    error: onError
  }
  const topology: Topology | null = cacheSize === 0
    ? null
    : isCluster(redis) ? clusterTopology(redis, events) : standaloneTopology(redis, events)
  const direct = runnerOf(redis)
  const runners = new WeakMap<Redis, Run>()
  const runnerOn = (connection: Redis) => {
    let run = runners.get(connection)
    if (run === undefined) runners.set(connection, run = runnerOf(connection))
    return run
  }

  async function fromRedis (sessionKey: string, keys: ReturnType<typeof userKeys>, digest: string) {
    const args = [keys.user, keys.index, sessionKey, Date.now(), ttlMs, timing.slideAfterMs, maxLifetimeMs, LAST_SEEN_EVERY_MS]
    const node = topology?.nodeFor(sessionKey)
    if (node === undefined || !node.trusted) return readOrNull(await direct(...args), digest)
    const epoch = node.epoch
    const ticket = cache.begin(sessionKey, keys.user)
    try {
      const resolved = readOrNull(await runnerOn(node.tracking)(...args), digest)
      if (resolved !== null && node.trusted && node.epoch === epoch) cache.set(ticket, resolved.user, resolved.freshUntil)
      return resolved
    } catch (err) {
      // The node's own connection failed or the slot moved: answer through the main client, uncached. Not
      // after a timeout, though: the node is slow or hung, and a second wait would double the answer's time.
      topology?.refresh()
      if (err instanceof Error && err.message.startsWith('Command timed out')) throw err
      return readOrNull(await direct(...args), digest)
    } finally {
      cache.end(ticket)
    }
  }

  const readOrNull = (found: string[] | null, digest: string) => found === null ? null : readResolved(found, digest, timing)

  /** A hit in memory (or a token that cannot be valid) is answered at once, without a promise. */
  function lookup (token: string): SessionUser | null | Promise<SessionUser | null> {
    const parsed = parseToken(token)
    if (parsed === null) return null
    const digest = tokenDigest(parsed.secret)
    const sessionKey = sessionKeyOf(parsed.userId, digest)
    const hit = cache.get(sessionKey, Date.now())
    if (hit !== undefined) return hit
    return fromRedis(sessionKey, userKeys(parsed.userId), digest).then((resolved) => resolved?.user ?? null)
  }

  return {
    /** One round trip at most: token → cached user, sliding the session's TTL when due. */
    async resolve (token: string): Promise<SessionUser | null> {
      return await lookup(token)
    },
    /** `resolve` for hot paths: the user itself when memory or the token's shape answers, else the promise. */
    lookup,

    /** This process just ended a session: forget it now rather than when Redis's message arrives. */
    forgetSession: (userId: number, digest: string) => cache.invalidate(sessionKeyOf(userId, digest)),
    /** This process just ended sessions of a user, or changed the user. */
    forgetUser: (userId: number) => cache.invalidate(userKeys(userId).user),

    /** For tests and metrics: entries in memory, and whether the node of a key is trusted. */
    get cacheSize () { return cache.size },
    trusted: (userId: number) => topology?.nodeFor(userKeys(userId).user)?.trusted ?? false,

    async close () { await topology?.close() }
  }
}

export type SessionResolver = ReturnType<typeof createSessionResolver>
