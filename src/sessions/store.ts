import { createHash, randomBytes } from 'node:crypto'
import type { Cluster, Redis, Result } from 'ioredis'
import * as scripts from './scripts.js'
import { defineScripts } from '../redis/scripts.js'

type ScriptArg = string | number

declare module 'ioredis' {
  interface RedisCommander<Context> {
    sesameCreateSession(...args: ScriptArg[]): Result<number, Context>
    sesameResolveSession(...args: ScriptArg[]): Result<string[] | null, Context>
    sesameRevokeSession(...args: ScriptArg[]): Result<number, Context>
    sesameRevokeSessionById(...args: ScriptArg[]): Result<number, Context>
    sesameRevokeAllSessions(...args: ScriptArg[]): Result<number, Context>
    sesameListSessions(...args: ScriptArg[]): Result<string[], Context>
    sesameUpdateCachedUser(...args: ScriptArg[]): Result<number, Context>
  }
}

export interface SessionSettings {
  ttlSeconds: number
  maxSessionsPerUser: number
  sliding: boolean
  /** Told of every session started and ended here (for metrics); sessions that simply expire are not reported. */
  onEvent?: (event: 'created' | 'revoked', count: number) => void
}

/** The user a token resolves to, as cached in Redis. */
export interface SessionUser {
  id: number
  phoneNumber: string
  nickname: string | null
  registerTime: string
  sessionId: string
  tokenDigest: string
}

export interface CachedUserFields {
  id: number
  phoneNumber: string
  nickname: string | null
  registerTime: string
}

export interface SessionInfo {
  id: string
  createdAt: string
  userAgent: string
}

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

export const digestOf = (secret: string) => createHash('sha256').update(secret).digest('base64url')

export const userKeys = (userId: number) => {
  const base = `sesame:{u${userId}}`
  return { user: `${base}:user`, index: `${base}:sessions`, sessionPrefix: `${base}:s:` }
}

export function createSessionStore (redis: Redis | Cluster, settings: SessionSettings) {
  const ttlMs = settings.ttlSeconds * 1000
  const slideAfterMs = settings.sliding ? SLIDE_AFTER_MS : 0
  const report = (event: 'created' | 'revoked', count: number) => { if (count > 0) settings.onEvent?.(event, count) }
  defineScripts(redis, {
    sesameCreateSession: { keys: 3, lua: scripts.CREATE_SESSION },
    sesameResolveSession: { keys: 3, lua: scripts.RESOLVE_SESSION },
    sesameRevokeSession: { keys: 2, lua: scripts.REVOKE_SESSION },
    sesameRevokeSessionById: { keys: 2, lua: scripts.REVOKE_SESSION_BY_ID },
    sesameRevokeAllSessions: { keys: 2, lua: scripts.REVOKE_ALL_SESSIONS },
    sesameListSessions: { keys: 1, lua: scripts.LIST_SESSIONS },
    sesameUpdateCachedUser: { keys: 1, lua: scripts.UPDATE_CACHED_USER }
  })

  return {
    ttlSeconds: settings.ttlSeconds,

    /** Starts a session; beyond the per-user limit the oldest ones end. Returns the token, shown once. */
    async create (user: CachedUserFields, userAgent: string) {
      const secret = randomBytes(32).toString('base64url')
      const token = `${user.id}.${secret}`
      const digest = digestOf(secret)
      const sessionId = randomBytes(16).toString('base64url')
      const keys = userKeys(user.id)
      const revoked = await redis.sesameCreateSession(
        keys.user, keys.index, keys.sessionPrefix + digest,
        keys.sessionPrefix, digest, sessionId, Date.now(), ttlMs, settings.maxSessionsPerUser,
        userAgent, user.id, user.phoneNumber, user.nickname ?? '', user.registerTime
      )
      report('created', 1)
      report('revoked', revoked)
      return { token, sessionId, expiresIn: settings.ttlSeconds, revoked }
    },

    /** One round trip: token → cached user, sliding the session's TTL when due. */
    async resolve (token: string): Promise<SessionUser | null> {
      const parsed = parseToken(token)
      if (parsed === null) return null
      const digest = digestOf(parsed.secret)
      const keys = userKeys(parsed.userId)
      const found = await redis.sesameResolveSession(
        keys.user, keys.index, keys.sessionPrefix + digest, Date.now(), ttlMs, slideAfterMs
      )
      if (found === null) return null
      const [sessionId = '', id = '', phoneNumber = '', nickname = '', registerTime = ''] = found
      return { id: Number(id), phoneNumber, nickname: nickname === '' ? null : nickname, registerTime, sessionId, tokenDigest: digest }
    },

    async revoke (userId: number, tokenDigest: string) {
      const keys = userKeys(userId)
      const ended = await redis.sesameRevokeSession(keys.user, keys.index, keys.sessionPrefix, tokenDigest)
      report('revoked', ended)
      return ended === 1
    },

    async revokeById (userId: number, sessionId: string) {
      const keys = userKeys(userId)
      const ended = await redis.sesameRevokeSessionById(keys.user, keys.index, keys.sessionPrefix, sessionId)
      report('revoked', ended)
      return ended === 1
    },

    /** Ends every session of the user except the one with `keepDigest`, if given. Returns how many ended. */
    async revokeAll (userId: number, keepDigest = '') {
      const keys = userKeys(userId)
      const ended = await redis.sesameRevokeAllSessions(keys.user, keys.index, keys.sessionPrefix, keepDigest)
      report('revoked', ended)
      return ended
    },

    async list (userId: number): Promise<SessionInfo[]> {
      const keys = userKeys(userId)
      const flat = await redis.sesameListSessions(keys.index, keys.sessionPrefix)
      const sessions: SessionInfo[] = []
      for (let i = 0; i + 2 < flat.length; i += 3) {
        sessions.push({ id: flat[i] ?? '', createdAt: new Date(Number(flat[i + 1])).toISOString(), userAgent: flat[i + 2] ?? '' })
      }
      return sessions
    },

    async updateCachedNickname (userId: number, nickname: string | null) {
      await redis.sesameUpdateCachedUser(userKeys(userId).user, 'nickname', nickname ?? '')
    }
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>
