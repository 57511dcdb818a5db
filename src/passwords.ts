import argon2 from 'argon2'

export interface HashParameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID: HashParameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/**
 * argon2id hashing on libuv's thread pool, never on the event loop. `verifyUnknown` burns the same
 * work against a dummy hash so that an unknown phone number costs as long as a wrong password.
 */
export function createPasswordHasher (parameters: HashParameters = OWASP_ARGON2ID) {
  const options = { type: argon2.argon2id as 0 | 1 | 2, ...parameters }
  let dummyHash: Promise<string> | undefined

  const verify = async (hash: string, password: string) => {
    try {
      return await argon2.verify(hash, password)
    } catch {
      return false // a malformed stored hash never matches
    }
  }

  return {
    hash: (password: string) => argon2.hash(password, options),
    verify,
    async verifyUnknown (password: string) {
      dummyHash ??= argon2.hash('sesame: no such user', options)
      await verify(await dummyHash, password)
      return false
    },
    needsRehash: (hash: string) => argon2.needsRehash(hash, options)
  }
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>
