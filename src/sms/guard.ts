import type { FastifyBaseLogger } from 'fastify'
import type { Cluster, Redis } from 'ioredis'
import type { Config } from '../config/env.js'
import { fail } from '../http/errors.js'
import type { Metrics, SmsLimit } from '../observability/metrics.js'
import { createSmsBudgets } from './budgets.js'
import { createChallengeVerifier } from './challenge.js'
import { countryOf } from './country.js'
import { createTestNumbers } from './test-numbers.js'

export interface SmsRequest {
  phoneNumber: string
  purpose: string
  challengeToken?: string | undefined
  ip: string
}

/** What a request that passed the guard may do: take the test number's fixed code, or be sent one. */
export interface Admission {
  /** The fixed code of a test number (nothing is sent, no budget spent), else undefined. */
  testCode: string | undefined
  /** Counts the code as sent (metric). */
  sent (): void
  /** Counts the code as failed: the gateway did not take it (metric). */
  failed (): void
  /** Gives the budgets back: a later limit refused the request. */
  release (): Promise<void>
}

/**
 * SPEC §11's defences, in order, before any code is issued or sent: the country list, the challenge
 * (before any budget is spent, so a bot without a token spends nothing), then the prefix, country and
 * daily budgets. They never look at whether the number is registered, so every answer is the same for
 * a registered and an unknown number. A test number is never sent anything, so none of them apply to it.
 */
export function createSmsGuard (redis: Redis | Cluster, config: Config, metrics: Metrics | null, log: FastifyBaseLogger) {
  const allowed = config.SMS_ALLOWED_COUNTRIES === undefined ? null : new Set(config.SMS_ALLOWED_COUNTRIES.split(','))
  const verifyChallenge = config.SMS_CHALLENGE_URL === undefined ? null : createChallengeVerifier(config.SMS_CHALLENGE_URL)
  const testNumbers = createTestNumbers(config)
  const refused = (limit: SmsLimit) => metrics?.smsRefused.inc({ limit })
  const takeBudgets = createSmsBudgets(redis, {
    perPrefixHourly: config.SMS_LIMIT_PER_PREFIX_HOURLY,
    perCountryHourly: config.SMS_LIMIT_PER_COUNTRY_HOURLY,
    daily: config.SMS_LIMIT_DAILY
  }, {
    refused,
    dailyCapReached () {
      metrics?.smsDailyCapReached.inc()
      log.error({ limit: config.SMS_LIMIT_DAILY }, 'SMS_LIMIT_DAILY reached: no more SMS codes until the rolling day frees some (an attack or a launch?)')
    }
  })

  return {
    refused,
    /** Counts a code that was entered correctly and used. */
    verified (phoneNumber: string, purpose: string) {
      metrics?.smsVerified.inc({ country: countryOf(phoneNumber), purpose })
    },

    async admit (request: SmsRequest): Promise<Admission> {
      const testCode = testNumbers.codeFor(request.phoneNumber)
      if (testCode !== undefined) return { testCode, sent () {}, failed () {}, async release () {} }
      const country = countryOf(request.phoneNumber)
      if (allowed !== null && !allowed.has(country)) {
        refused('country_not_allowed')
        throw fail('sms_not_allowed')
      }
      if (verifyChallenge !== null) {
        if (request.challengeToken === undefined) throw fail('validation_failed', 'challenge_token is required')
        try {
          await verifyChallenge({ ...request, challengeToken: request.challengeToken })
        } catch (err) {
          refused('challenge')
          throw err
        }
      }
      const grant = await takeBudgets(request.phoneNumber, country)
      return {
        testCode: undefined,
        sent: () => metrics?.smsSent.inc({ country, purpose: request.purpose }),
        failed: () => metrics?.smsFailed.inc({ country, purpose: request.purpose }),
        release: grant.release
      }
    }
  }
}

export type SmsGuard = ReturnType<typeof createSmsGuard>
