import { randomBytes } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import { rateLimited } from '../http/errors.js'
import { defineScripts, script } from '../redis/scripts.js'
import { smsBudgetKeys } from '../redis/keys.js'
import type { SmsLimit } from '../observability/metrics.js'
import { RELEASE_BUDGET, TAKE_BUDGET } from './budget-scripts.js'
import { prefixOf } from './country.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export interface BudgetLimits {
  perPrefixHourly: number
  perCountryHourly: number
  daily: number
}

export interface BudgetEvents {
  refused (limit: SmsLimit): void
  /** The daily cap refused its first request of the window (once across every instance). */
  dailyCapReached (): void
}

/** The grants one request holds; `release` gives them back when a later check refuses it or nothing is sent. */
export interface BudgetGrant {
  release (): Promise<void>
}

/**
 * SPEC §11's SMS cost budgets in Redis, shared by every instance: per prefix and per country over a
 * rolling hour, and the daily cap over every number. The three live under different hash tags, so they
 * are taken one after another, each atomically (never more grants than the limit); when one refuses,
 * those already taken are given back, so a refusal costs no budget.
 */
export function createSmsBudgets (redis: Redis | Cluster, limits: BudgetLimits, events: BudgetEvents) {
  const run = defineScripts(redis, {
    sesameSmsTakeBudget: script<[number, number, number]>(2, TAKE_BUDGET),
    sesameSmsReleaseBudget: script<number>(1, RELEASE_BUDGET)
  })

  return async function take (phoneNumber: string, country: string): Promise<BudgetGrant> {
    const id = randomBytes(12).toString('base64url')
    const budgets: Array<{ limit: SmsLimit, key: string, alarm: string, windowMs: number, max: number }> = [
      { limit: 'prefix', key: smsBudgetKeys.prefix(prefixOf(phoneNumber)), alarm: '', windowMs: HOUR_MS, max: limits.perPrefixHourly },
      { limit: 'country', key: smsBudgetKeys.country(country), alarm: '', windowMs: HOUR_MS, max: limits.perCountryHourly },
      { limit: 'global_daily', key: smsBudgetKeys.daily, alarm: smsBudgetKeys.dailyAlarm, windowMs: DAY_MS, max: limits.daily }
    ]
    const taken: string[] = []
    const release = async () => {
      await Promise.all(taken.map((key) => run.sesameSmsReleaseBudget(key, id).catch(() => 0)))
    }
    for (const budget of budgets) {
      let result: [number, number, number]
      try {
        result = await run.sesameSmsTakeBudget(budget.key, budget.alarm || budget.key, Date.now(), budget.windowMs, budget.max, id)
      } catch (err) {
        await release()
        throw err
      }
      const [granted, waitMs, firstRefusal] = result
      if (granted !== 1) {
        await release()
        events.refused(budget.limit)
        if (firstRefusal === 1) events.dailyCapReached()
        throw Object.assign(rateLimited(waitMs / 1000), { smsLimit: budget.limit })
      }
      taken.push(budget.key)
    }
    return { release }
  }
}

export type SmsBudgets = ReturnType<typeof createSmsBudgets>
