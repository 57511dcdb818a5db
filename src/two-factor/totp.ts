import { createHash, randomInt } from 'node:crypto'
import { generateSecret, generateURI, verify } from 'otplib'

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30 s steps; a code one step early or late passes. */
const PERIOD_SECONDS = 30

export const newTotpSecret = () => generateSecret()

export const otpauthUrl = (secret: string, account: string) =>
  generateURI({ issuer: 'Sesame', label: account, secret, period: PERIOD_SECONDS, digits: 6 })

/** The time step the code belongs to, or null when it matches none within ±1 step. */
export async function totpStep (secret: string, code: string): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null
  const result = await verify({ secret, token: code, period: PERIOD_SECONDS, epochTolerance: PERIOD_SECONDS })
  return result.valid && 'timeStep' in result ? result.timeStep : null
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** 16 characters of a 31-letter alphabet (~79 bits), shown as `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCode () {
  const chars = Array.from({ length: 16 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)])
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/** Stored form of a recovery code: SHA-256 of it without dashes, spaces or case. */
export const recoveryCodeHash = (code: string) =>
  createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, '')).digest('hex')
