/*
 * The Redis key names of a user's sessions: Sesame writes them and every resolver reads them, so they
 * live here, in the package both import (Sesame's src/redis/keys.ts re-exports them next to its other
 * keys). A user's keys share the hash tag `{u<id>}`, so multi-key scripts run on Redis Cluster.
 */
export const KEY_PREFIX = 'sesame:'

const userBase = (userId: number) => `${KEY_PREFIX}{u${userId}}`
const SESSION = ':s:'

/** A user's keys: the cached user hash, the session index (sorted set of digests) and one hash per session. */
export const userKeys = (userId: number) => {
  const base = userBase(userId)
  return { user: `${base}:user`, index: `${base}:sessions`, sessionPrefix: base + SESSION }
}

/** `userKeys(userId).sessionPrefix + digest`, without the other keys: what a cached resolve needs. */
export const sessionKeyOf = (userId: number, digest: string) => userBase(userId) + SESSION + digest
