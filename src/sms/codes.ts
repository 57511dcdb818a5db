import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import type { Static } from '@sinclair/typebox'
import { fail, rateLimited } from '../http/errors.js'
import type { SmsPurpose as SmsPurposeSchema } from '../schemas/sms.js'
import type { DeliveryOutcome, SmsDelivery } from './delivery.js'
import * as scripts from './scripts.js'
import { defineScripts, script } from '../redis/scripts.js'
import { phoneKeys } from '../redis/keys.js'
import { smsText } from '../i18n/sms.js'
import type { Language } from '../i18n/language.js'

export { smsText } from '../i18n/sms.js'

export type SmsPurpose = Static<typeof SmsPurposeSchema>

/** SPEC §9's limits. */
export const CODE_COOLDOWN_SECONDS = 60
export const CODES_PER_DAY = 10
export const MAX_TRIES = 5
const DAY_MS = 86_400_000

// Keyed per number and purpose (and scope), so a code's hash is useless for any other number or purpose.
const codeHmac = (phoneNumber: string, slot: string, code: string) =>
  createHmac('sha256', `sesame-sms-code:${slot}:${phoneNumber}`).update(code).digest()

/**
 * Where a code is kept: by purpose, and for a code that only one account may use (change_phone: the account
 * that asked) by that scope too, so two accounts asking for the same new number each hold their own code.
 */
const slotOf = (purpose: SmsPurpose, scope?: string) => scope === undefined ? purpose : `${purpose}:${scope}`

const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0')

/** A code that matched; `consume` uses it up, atomically, or throws sms_code_invalid if another request did first. */
export interface CheckedCode {
  consume (): Promise<void>
}

/** `onRefused` and `onVerified` feed the metrics of SPEC §11. */
export interface SmsCodeSettings {
  ttlSeconds: number
  onRefused?: (limit: 'cooldown' | 'daily_per_number') => void
  onVerified?: (phoneNumber: string, purpose: SmsPurpose) => void
}

export function createSmsCodes (redis: Redis | Cluster, delivery: SmsDelivery, settings: SmsCodeSettings) {
  const run = defineScripts(redis, {
    sesameSmsReserveSend: script<[number, number]>(2, scripts.RESERVE_SEND),
    sesameSmsStoreCode: script<number>(1, scripts.STORE_CODE),
    sesameSmsTakeTry: script<string | null>(1, scripts.TAKE_TRY),
    sesameSmsConsumeCode: script<number>(1, scripts.CONSUME_CODE)
  })

  const store = async (phoneNumber: string, slot: string, code: string) => {
    const digest = codeHmac(phoneNumber, slot, code).toString('base64url')
    await run.sesameSmsStoreCode(phoneKeys(phoneNumber).smsCode(slot), digest, settings.ttlSeconds * 1000)
    return digest
  }

  /** Takes a send slot under the number's limits, or throws 429; resolves to the whole seconds until the next one. */
  const reserve = async (phoneNumber: string) => {
    const keys = phoneKeys(phoneNumber)
    const [allowed, waitMs] = await run.sesameSmsReserveSend(
      keys.smsCooldown, keys.smsSent, Date.now(), CODE_COOLDOWN_SECONDS * 1000, DAY_MS, CODES_PER_DAY, randomBytes(12).toString('base64url')
    )
    if (allowed !== 1) {
      const limit = allowed === 0 ? 'cooldown' : 'daily_per_number'
      settings.onRefused?.(limit)
      throw Object.assign(rateLimited(waitMs / 1000), { smsLimit: limit })
    }
    return Math.ceil(waitMs / 1000)
  }

  return {
    /**
     * Takes a send slot under the number's limits (429 otherwise), stores a fresh code and, when `deliver`,
     * hands it to the delivery queue: the reply never waits for the gateway. A code that is not delivered
     * (`deliver` false: a reset for an unknown number, say) is stored all the same, so both answers cost the
     * same; nobody ever learns it. A code whose delivery fails is dead at once, and its slot stays spent:
     * giving it back would let a retry tell a registered number (slot free) from an unknown one (429).
     */
    async issue (phoneNumber: string, purpose: SmsPurpose, deliver: boolean, language: Language = 'en', scope?: string, outcome: DeliveryOutcome = {}) {
      const retryAfter = await reserve(phoneNumber)
      const code = newCode()
      const slot = slotOf(purpose, scope)
      const digest = await store(phoneNumber, slot, code)
      if (deliver) {
        delivery.send({ phoneNumber, text: smsText(code, purpose, settings.ttlSeconds, language) }, `${purpose} code`, {
          delivered: outcome.delivered,
          async failed (reason) {
            await run.sesameSmsConsumeCode(phoneKeys(phoneNumber).smsCode(slot), digest)
            await outcome.failed?.(reason)
          }
        })
      }
      return { retryAfter }
    },

    /** A test number (SPEC §11): takes its slot under the number's limits like any code, sends nothing, stores `code`. */
    async issueFixed (phoneNumber: string, purpose: SmsPurpose, code: string, scope?: string) {
      const retryAfter = await reserve(phoneNumber)
      await store(phoneNumber, slotOf(purpose, scope), code)
      return { retryAfter }
    },

    /**
     * Checks a code without using it up (400 sms_code_invalid if wrong, expired, used or out of tries).
     * Every check counts as a try, right or wrong, before the comparison, so parallel guesses get no more.
     */
    async check (phoneNumber: string, purpose: SmsPurpose, candidate: string, scope?: string): Promise<CheckedCode> {
      const key = phoneKeys(phoneNumber).smsCode(slotOf(purpose, scope))
      const stored = await run.sesameSmsTakeTry(key, MAX_TRIES)
      const expected = codeHmac(phoneNumber, slotOf(purpose, scope), candidate)
      const actual = stored === null ? null : Buffer.from(stored, 'base64url')
      if (actual === null || actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw fail('sms_code_invalid')
      return {
        async consume () {
          if (await run.sesameSmsConsumeCode(key, stored ?? '') !== 1) throw fail('sms_code_invalid')
          settings.onVerified?.(phoneNumber, purpose)
        }
      }
    }
  }
}

export type SmsCodes = ReturnType<typeof createSmsCodes>
