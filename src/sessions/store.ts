import { createHash, randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import * as scripts from './scripts.js'
import { defineScripts, script } from '../redis/scripts.js'
import { userKeys } from '../redis/keys.js'
import type { User } from '../users/user.js'
import type { SessionClient, SessionInfo } from './client.js'

export type { LoginContext, SessionClient, SessionInfo } from './client.js'

export interface SessionSettings {
  ttlSeconds: number
  maxSessionsPerUser: number
  sliding: boolean
  /** SESSION_MAX_LIFETIME_SECONDS: a session ends this long after its login however much it slid (0: never). */
  maxLifetimeSeconds?: number
  /** Told of every session started and ended here (for metrics); sessions that simply expire are not reported. */
  onEvent?: (event: 'created' | 'revoked', count: number) => void
}

/** The user a token resolves to, as cached in Redis, with the session the token belongs to. */
export interface SessionUser extends User {
  sessionId: string
  tokenDigest: string
  /** When the session ends (ms since the epoch) unless it slides again: what its key's PEXPIRE was set to. */
  expiresAt: number
}

/** last_seen_at is written at most this often, by the resolve call that runs anyway. */
export const LAST_SEEN_EVERY_MS = 60_000

/** A session slides once it is used more than a day after its last extension. */
export const SLIDE_AFTER_MS = 86_400_000

const SECRET = /^[A-Za-z0-9_-]{43}$/
const USER_ID = /^[1-9][0-9]{0,15}$/

/** `<user id>.<43-char base64url secret>`: the id is a non-secret routing prefix that picks the hash tag. */
export function parseToken (token: string): { userId: number, secret: string } | null {
  const dot = token.indexOf('.')
  if (dot < 1) return null
  const prefix = token.slice(0, dot)
  const secret = token.slice(dot + 1)
  if (!USER_ID.test(prefix) || !SECRET.test(secret)) return null
  return { userId: Number(prefix), secret }
}

/** What Redis keeps of a token: the SHA-256 of its secret, so a dump of Redis cannot be replayed. */
export const tokenDigest = (secret: string) => createHash('sha256').update(secret).digest('base64url')

export function createSessionStore (redis: Redis | Cluster, settings: SessionSettings) {
  const maxLifetimeMs = (settings.maxLifetimeSeconds ?? 0) * 1000
  const ttlMs = maxLifetimeMs > 0 ? Math.min(settings.ttlSeconds * 1000, maxLifetimeMs) : settings.ttlSeconds * 1000
  const slideAfterMs = settings.sliding ? SLIDE_AFTER_MS : 0
  const report = (event: 'created' | 'revoked', count: number) => { if (count > 0) settings.onEvent?.(event, count) }
  const run = defineScripts(redis, {
    sesameCreateSession: script<number>(3, scripts.CREATE_SESSION),
    sesameResolveSession: script<string[] | null>(3, scripts.RESOLVE_SESSION),
    sesameRevokeSession: script<number>(2, scripts.REVOKE_SESSION),
    sesameRevokeSessionById: script<number>(2, scripts.REVOKE_SESSION_BY_ID),
    sesameRevokeAllSessions: script<number>(2, scripts.REVOKE_ALL_SESSIONS),
    sesameListSessions: script<string[]>(1, scripts.LIST_SESSIONS),
    sesameUpdateCachedUser: script<number>(1, scripts.UPDATE_CACHED_USER)
  })

  return {
    ttlSeconds: settings.ttlSeconds,

    /** Starts a session; beyond the per-user limit the oldest ones end. Returns the token, shown once. */
    async create (user: User, client: SessionClient | string) {
      const { userAgent, ip = '', deviceName = '', appVersion = '' } = typeof client === 'string' ? { userAgent: client } : client
      const secret = randomBytes(32).toString('base64url')
      const token = `${user.id}.${secret}`
      const digest = tokenDigest(secret)
      const sessionId = randomBytes(16).toString('base64url')
      const keys = userKeys(user.id)
      const revoked = await run.sesameCreateSession(
        keys.user, keys.index, keys.sessionPrefix + digest,
        keys.sessionPrefix, digest, sessionId, Date.now(), ttlMs, settings.maxSessionsPerUser,
        userAgent, user.id, user.phoneNumber, user.nickname ?? '', user.registerTime, ip, deviceName, appVersion, user.phoneVersion ?? ''
      )
      report('created', 1)
      report('revoked', revoked)
      return { token, digest, sessionId, expiresIn: Math.floor(ttlMs / 1000), revoked }
    },

    /** One round trip: token → cached user, sliding the session's TTL when due. */
    async resolve (token: string): Promise<SessionUser | null> {
      const parsed = parseToken(token)
      if (parsed === null) return null
      const digest = tokenDigest(parsed.secret)
      const keys = userKeys(parsed.userId)
      const found = await run.sesameResolveSession(
        keys.user, keys.index, keys.sessionPrefix + digest, Date.now(), ttlMs, slideAfterMs, maxLifetimeMs, LAST_SEEN_EVERY_MS
      )
      if (found === null) return null
      const [sessionId = '', id = '', phoneNumber = '', nickname = '', registerTime = '', extendedAt = '', createdAt = ''] = found
      const expiresAt = Math.min(Number(extendedAt) + ttlMs, maxLifetimeMs > 0 ? Number(createdAt) + maxLifetimeMs : Infinity)
      return { id: Number(id), phoneNumber, nickname: nickname === '' ? null : nickname, registerTime, sessionId, tokenDigest: digest, expiresAt }
    },

    async revoke (userId: number, tokenDigest: string) {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeSession(keys.user, keys.index, keys.sessionPrefix, tokenDigest)
      report('revoked', ended)
      return ended === 1
    },

    async revokeById (userId: number, sessionId: string) {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeSessionById(keys.user, keys.index, keys.sessionPrefix, sessionId)
      report('revoked', ended)
      return ended === 1
    },

    /** Ends every session of the user except the one with `keepDigest`, if given. Returns how many ended. */
    async revokeAll (userId: number, keepDigest = '') {
      const keys = userKeys(userId)
      const ended = await run.sesameRevokeAllSessions(keys.user, keys.index, keys.sessionPrefix, keepDigest)
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

    async updateCachedNickname (userId: number, nickname: string | null) {
      await run.sesameUpdateCachedUser(userKeys(userId).user, 'nickname', nickname ?? '')
    }
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>
