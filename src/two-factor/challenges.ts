import { randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import { twoFactorChallengeKey } from '../redis/keys.js'
import { tokenDigest } from '../sessions/store.js'
import type { LoginContext } from '../sessions/store.js'

export const CHALLENGE_TTL_SECONDS = 300

/** What a challenge remembers of the login that passed its first factor. */
export interface PendingLogin {
  userId: number
  phoneNumber: string
  /** Digest of the known device's token, if the login presented one: its budget is the one wrong codes use. */
  device?: string
  /** credentialStamp of the user whose first factor passed: a password change since then voids the challenge. */
  stamp: string
  context: Omit<LoginContext, 'deviceToken'>
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/** Second-factor challenges in Redis: only the SHA-256 of the challenge is stored, for 5 minutes, used once. */
export function createChallenges (redis: Redis | Cluster) {
  return {
    async create (pending: PendingLogin) {
      const challenge = randomBytes(32).toString('base64url')
      await redis.set(twoFactorChallengeKey(tokenDigest(challenge)), JSON.stringify(pending), 'EX', CHALLENGE_TTL_SECONDS)
      return challenge
    },
    async find (challenge: string): Promise<PendingLogin | null> {
      if (!CHALLENGE.test(challenge)) return null
      const stored = await redis.get(twoFactorChallengeKey(tokenDigest(challenge)))
      return stored === null ? null : JSON.parse(stored) as PendingLogin
    },
    /** True for the one caller that used it up. */
    async consume (challenge: string) {
      return await redis.del(twoFactorChallengeKey(tokenDigest(challenge))) === 1
    }
  }
}

export type Challenges = ReturnType<typeof createChallenges>
