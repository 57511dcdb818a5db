import argon2 from 'argon2'
import { availableParallelism } from 'node:os'

export interface HashParameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID: HashParameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/**
 * Hashes running at once: one core fewer than the machine has, so that logins never starve the
 * event loop of CPU (bench/README.md: GET /health p99 during a login load). The rest wait in line.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1)

/** Runs at most `limit` tasks at once, the others in arrival order. */
export function limitConcurrency (limit: number) {
  let running = 0
  const waiting: Array<() => void> = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < limit) running++
    else await new Promise<void>((resolve) => waiting.push(resolve)) // the finishing task hands over its slot
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running--
      else next()
    }
  }
}

/**
 * argon2id hashing on libuv's thread pool, never on the event loop, at most HASH_CONCURRENCY at once.
 * `verifyUnknown` burns the same work against a dummy hash so that an unknown phone number costs as
 * long as a wrong password.
 */
export function createPasswordHasher (parameters: HashParameters = OWASP_ARGON2ID, concurrency = HASH_CONCURRENCY) {
  const options = { type: argon2.argon2id as 0 | 1 | 2, ...parameters }
  const limited = limitConcurrency(concurrency)
  let dummyHash: Promise<string> | undefined

  const verify = async (hash: string, password: string) => {
    try {
      return await limited(() => argon2.verify(hash, password))
    } catch {
      return false // a malformed stored hash never matches
    }
  }

  return {
    hash: (password: string) => limited(() => argon2.hash(password, options)),
    verify,
    async verifyUnknown (password: string) {
      dummyHash ??= limited(() => argon2.hash('sesame: no such user', options))
      await verify(await dummyHash, password)
      return false
    },
    needsRehash: (hash: string) => argon2.needsRehash(hash, options)
  }
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>
