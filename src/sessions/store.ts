import { randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import * as scripts from './scripts.js'
import { defineScripts, script } from '../redis/scripts.js'
import { userKeys } from '../redis/keys.js'
import type { User } from '../users/user.js'
import { createSessionResolver, tokenDigest } from '../../packages/fastify-auth/src/index.js'
import type { SessionClient, SessionInfo } from './client.js'

export type { LoginContext, SessionClient, SessionInfo } from './client.js'

export interface SessionSettings {
  ttlSeconds: number
  maxSessionsPerUser: number
  sliding: boolean
  /** SESSION_MAX_LIFETIME_SECONDS: a session ends this long after its login however much it slid (0: never). */
  maxLifetimeSeconds?: number
  /** SESSION_CACHE_SIZE: resolved sessions kept in memory that Redis invalidates (0, the default here: none). */
  cacheSize?: number
  /** Told of every session started and ended here (for metrics); sessions that simply expire are not reported. */
  onEvent?: (event: 'created' | 'revoked', count: number) => void
  onCacheError?: (err: Error) => void
}

/** Token reading, key names, the resolve script and the cache are the package's (SPEC §12: one resolver). */
export { LAST_SEEN_EVERY_MS, SLIDE_AFTER_MS, parseToken, tokenDigest } from '../../packages/fastify-auth/src/index.js'
export type { SessionUser } from '../../packages/fastify-auth/src/index.js'

export function createSessionStore (redis: Redis | Cluster, settings: SessionSettings) {
  const maxLifetimeMs = (settings.maxLifetimeSeconds ?? 0) * 1000
  const ttlMs = maxLifetimeMs > 0 ? Math.min(settings.ttlSeconds * 1000, maxLifetimeMs) : settings.ttlSeconds * 1000
  const resolver = createSessionResolver(redis, {
    ttlSeconds: settings.ttlSeconds,
    sliding: settings.sliding,
    maxLifetimeSeconds: settings.maxLifetimeSeconds ?? 0,
    cacheSize: settings.cacheSize ?? 0,
    onError: settings.onCacheError
  })
  const report = (event: 'created' | 'revoked', count: number) => { if (count > 0) settings.onEvent?.(event, count) }
  const run = defineScripts(redis, {
    sesameCreateSession: script<number>(3, scripts.CREATE_SESSION),
    sesameConfirmSession: script<number>(3, scripts.CONFIRM_SESSION),
    sesameRevokeSession: script<number>(2, scripts.REVOKE_SESSION),
    sesameRevokeSessionById: script<number>(2, scripts.REVOKE_SESSION_BY_ID),
    sesameRevokeAllSessions: script<number>(2, scripts.REVOKE_ALL_SESSIONS),
    sesameListSessions: script<string[]>(1, scripts.LIST_SESSIONS),
    sesameUpdateCachedNickname: script<number>(1, scripts.UPDATE_CACHED_NICKNAME)
  })

  return {
    ttlSeconds: settings.ttlSeconds,

    /**
     * Starts a session; beyond the per-user limit the oldest ones end. Returns the token, shown once.
     * `confirm` runs between the two, while the new session is pending (it resolves to nothing): if it
     * throws, the new session ends and no other one does, so a login that loses a race with a password
     * change (src/two-factor/login.ts) leaves the user's sessions alone.
     */
    async create (user: User, client: SessionClient | string, confirm?: () => Promise<void>) {
      const { userAgent, ip = '', deviceName = '', appVersion = '' } = typeof client === 'string' ? { userAgent: client } : client
      const secret = randomBytes(32).toString('base64url')
      const token = `${user.id}.${secret}`
      const digest = tokenDigest(secret)
      const sessionId = randomBytes(16).toString('base64url')
      const keys = userKeys(user.id)
      await run.sesameCreateSession(
        keys.user, keys.index, keys.sessionPrefix + digest,
        keys.sessionPrefix, digest, sessionId, Date.now(), ttlMs,
        userAgent, user.id, user.phoneNumber, user.nickname ?? '', user.registerTime, ip, deviceName, appVersion, user.phoneVersion ?? '', user.nicknameVersion ?? ''
      )
      report('created', 1)
      if (confirm !== undefined) {
        try {
          await confirm()
        } catch (err) {
          await this.revoke(user.id, digest).catch(() => {})
          throw err
        }
      }
      // -1: ended before it was confirmed (a logout of every session or a deletion raced this login, which
      // then came first), so the token is dead already, as if that revocation had come just after.
      const revoked = Math.max(0, await run.sesameConfirmSession(keys.user, keys.index, keys.sessionPrefix + digest, keys.sessionPrefix, digest, settings.maxSessionsPerUser, Date.now()))
      report('revoked', revoked)
      return { token, digest, sessionId, expiresIn: Math.floor(ttlMs / 1000), revoked }
    },

    /** The package's resolver: at most one round trip, none for a session in the cache (SPEC §12). */
    resolver,
    resolve: resolver.resolve,
    forgetUser: resolver.forgetUser,
    close: resolver.close,

    async revoke (userId: number, tokenDigest: string) {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeSession(keys.user, keys.index, keys.sessionPrefix, tokenDigest)
      resolver.forgetSession(userId, tokenDigest)
      report('revoked', ended)
      return ended === 1
    },

    async revokeById (userId: number, sessionId: string) {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeSessionById(keys.user, keys.index, keys.sessionPrefix, sessionId)
      resolver.forgetUser(userId)
      report('revoked', ended)
      return ended === 1
    },

    /** Ends every session of the user except the one with `keepDigest`, if given. Returns how many ended. */
    async revokeAll (userId: number, keepDigest = '') {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeAllSessions(keys.user, keys.index, keys.sessionPrefix, keepDigest)
      resolver.forgetUser(userId)
      report('revoked', ended)
      return ended
    },

    async list (userId: number): Promise<SessionInfo[]> {
      const keys = userKeys(userId)
      const flat = await run.sesameListSessions(keys.index, keys.sessionPrefix)
      const sessions: SessionInfo[] = []
      const time = (ms = '') => new Date(Number(ms)).toISOString()
      for (let i = 0; i + 6 < flat.length; i += 7) {
        const [id = '', createdAt, userAgent = '', lastSeenAt, ip = '', deviceName = '', appVersion = ''] = flat.slice(i, i + 7)
        sessions.push({
          id,
          createdAt: time(createdAt),
          lastSeenAt: time(lastSeenAt === '' ? createdAt : lastSeenAt),
          userAgent,
          ip,
          deviceName: deviceName === '' ? null : deviceName,
          appVersion: appVersion === '' ? null : appVersion
        })
      }
      return sessions
    },

    /** `version` is the nickname_version of the MySQL write: an older write never replaces a newer one. */
    async updateCachedNickname (userId: number, nickname: string | null, version: number) {
      await run.sesameUpdateCachedNickname(userKeys(userId).user, nickname ?? '', version)
      resolver.forgetUser(userId)
    }
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>
