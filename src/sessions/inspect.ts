import type { Cluster, Redis } from 'ioredis'
import { userKeys } from '../redis/keys.js'
import type { SessionStore, SessionUser } from './store.js'

/** `resolve`, plus the seconds the session has left: a second round trip, for /introspect and not the hot path. */
export async function inspectToken (sessions: SessionStore, redis: Redis | Cluster, token: string): Promise<{ user: SessionUser, expiresIn: number } | null> {
  const user = await sessions.resolve(token)
  if (user === null) return null
  const ttl = await redis.pttl(userKeys(user.id).sessionPrefix + user.tokenDigest)
  return ttl > 0 ? { user, expiresIn: Math.ceil(ttl / 1000) } : null
}
