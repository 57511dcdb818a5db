import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Cluster, Redis, Result } from 'ioredis'
import type { Static } from '@sinclair/typebox'
import { fail, rateLimited, serviceUnavailable } from '../http/errors.js'
import type { SmsPurpose as SmsPurposeSchema } from '../schemas/sms.js'
import { SmsDeliveryError, type SmsProvider } from './provider.js'
import * as scripts from './scripts.js'
import { defineScripts } from '../redis/scripts.js'

type ScriptArg = string | number

declare module 'ioredis' {
  interface RedisCommander<Context> {
    sesameSmsReserveSend(...args: ScriptArg[]): Result<[number, number], Context>
    sesameSmsReleaseSend(...args: ScriptArg[]): Result<number, Context>
    sesameSmsStoreCode(...args: ScriptArg[]): Result<number, Context>
    sesameSmsTakeTry(...args: ScriptArg[]): Result<string | null, Context>
    sesameSmsConsumeCode(...args: ScriptArg[]): Result<number, Context>
  }
}

export type SmsPurpose = Static<typeof SmsPurposeSchema>

/** SPEC §9's limits. */
export const CODE_COOLDOWN_SECONDS = 60
export const CODES_PER_DAY = 10
export const MAX_TRIES = 5
const DAY_MS = 86_400_000

/** Keys of one phone number's state, all in the hash tag `{p<number>}`; the number is trimmed already. */
export const phoneKeys = (phoneNumber: string) => {
  const base = `sesame:{p${phoneNumber}}`
  return {
    code: (purpose: SmsPurpose) => `${base}:sms:${purpose}`,
    cooldown: `${base}:sms-cooldown`,
    sent: `${base}:sms-sent`
  }
}

// Keyed per number and purpose, so a code's hash is useless for any other number or purpose.
const digestOf = (phoneNumber: string, purpose: SmsPurpose, code: string) =>
  createHmac('sha256', `sesame-sms-code:${purpose}:${phoneNumber}`).update(code).digest()

const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0')

const lifetime = (seconds: number) => seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`

export const smsText = (code: string, purpose: SmsPurpose, ttlSeconds: number) => purpose === 'register'
  ? `Your Sesame verification code is ${code}. It expires in ${lifetime(ttlSeconds)}.`
  : `Your Sesame password reset code is ${code}. It expires in ${lifetime(ttlSeconds)}. If you did not ask for it, ignore this message.`

/** A code that matched; `consume` uses it up, atomically, or throws sms_code_invalid if another request did first. */
export interface CheckedCode {
  consume (): Promise<void>
}

export function createSmsCodes (redis: Redis | Cluster, provider: SmsProvider, settings: { ttlSeconds: number }, log: FastifyBaseLogger) {
  defineScripts(redis, {
    sesameSmsReserveSend: { keys: 2, lua: scripts.RESERVE_SEND },
    sesameSmsReleaseSend: { keys: 2, lua: scripts.RELEASE_SEND },
    sesameSmsStoreCode: { keys: 1, lua: scripts.STORE_CODE },
    sesameSmsTakeTry: { keys: 1, lua: scripts.TAKE_TRY },
    sesameSmsConsumeCode: { keys: 1, lua: scripts.CONSUME_CODE }
  })

  return {
    /**
     * Takes a send slot under the number's limits (429 otherwise), then sends a fresh code unless
     * `deliver` is false, which spends the slot the same way and sends nothing. The code is stored
     * only once the provider took the message; if it did not, the slot is given back and this is a 503.
     */
    async issue (phoneNumber: string, purpose: SmsPurpose, deliver: boolean) {
      const keys = phoneKeys(phoneNumber)
      const slot = randomBytes(12).toString('base64url')
      const [allowed, waitMs] = await redis.sesameSmsReserveSend(
        keys.cooldown, keys.sent, Date.now(), CODE_COOLDOWN_SECONDS * 1000, DAY_MS, CODES_PER_DAY, slot
      )
      if (allowed !== 1) throw rateLimited(waitMs / 1000)
      const retryAfter = Math.ceil(waitMs / 1000)
      if (!deliver) return { retryAfter }

      const code = newCode()
      try {
        await provider.send({ phoneNumber, text: smsText(code, purpose, settings.ttlSeconds) })
      } catch (err) {
        await redis.sesameSmsReleaseSend(keys.cooldown, keys.sent, slot).catch(() => {})
        if (!(err instanceof SmsDeliveryError)) throw err
        log.warn({ reason: err.message, purpose }, 'SMS code not delivered')
        throw serviceUnavailable('the SMS could not be sent, please retry')
      }
      const digest = digestOf(phoneNumber, purpose, code).toString('base64url')
      await redis.sesameSmsStoreCode(keys.code(purpose), digest, settings.ttlSeconds * 1000)
      return { retryAfter }
    },

    /**
     * Checks a code without using it up (400 sms_code_invalid if wrong, expired, used or out of tries).
     * Every check counts as a try, right or wrong, before the comparison, so parallel guesses get no more.
     */
    async check (phoneNumber: string, purpose: SmsPurpose, candidate: string): Promise<CheckedCode> {
      const key = phoneKeys(phoneNumber).code(purpose)
      const stored = await redis.sesameSmsTakeTry(key, MAX_TRIES)
      const expected = digestOf(phoneNumber, purpose, candidate)
      const actual = stored === null ? null : Buffer.from(stored, 'base64url')
      if (actual === null || actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw fail('sms_code_invalid')
      return {
        async consume () {
          if (await redis.sesameSmsConsumeCode(key, stored ?? '') !== 1) throw fail('sms_code_invalid')
        }
      }
    }
  }
}

export type SmsCodes = ReturnType<typeof createSmsCodes>
