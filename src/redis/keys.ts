/*
 * Every Redis key Sesame writes, built here and nowhere else. Keys changed together share a hash tag,
 * so each multi-key script runs on Redis Cluster: `{u<id>}` for a user's sessions and cached user,
 * `{p<E.164 number>}` for a phone number's SMS codes and failed-login counter.
 */
// A user's session keys are the package's, which every resolver reads (packages/fastify-auth/src/keys.ts).
import { KEY_PREFIX } from '../../packages/fastify-auth/src/keys.js'
export { KEY_PREFIX, userKeys } from '../../packages/fastify-auth/src/keys.js'

/** A phone number's keys. */
export const phoneKeys = (phoneNumber: string) => {
  const base = `${KEY_PREFIX}{p${phoneNumber}}`
  return {
    smsCode: (purpose: string) => `${base}:sms:${purpose}`,
    smsCooldown: `${base}:sms-cooldown`,
    smsSent: `${base}:sms-sent`,
    /** The number's failure budget (SPEC §4): a hash of failures and checks in flight. */
    loginBudget: `${base}:login-budget`,
    /** A known device's own failure budget, by the digest of its device token. */
    deviceLoginBudget: (digest: string) => `${base}:login-budget:d:${digest}`,
    /** Known devices of the number: one key per token digest (value: user id), and the set of digests. */
    devicePrefix: `${base}:device:`,
    devices: `${base}:devices`
  }
}

/** @fastify/rate-limit's namespace for the per-IP attempt budget (it appends the IP). */
export const IP_ATTEMPTS_NAMESPACE = `${KEY_PREFIX}ip-attempts:`

/**
 * The SMS cost budgets of SPEC §11, each a sorted set of grants under a hash tag of its own (they are
 * never written in one script): per prefix (the number without its last 4 digits), per country, and
 * the daily cap over every number, with the flag that lets its alarm be logged once per window.
 */
export const smsBudgetKeys = {
  prefix: (prefix: string) => `${KEY_PREFIX}{sms-prefix:${prefix}}:budget`,
  country: (country: string) => `${KEY_PREFIX}{sms-country:${country}}:budget`,
  daily: `${KEY_PREFIX}{sms-daily}:budget`,
  dailyAlarm: `${KEY_PREFIX}{sms-daily}:alarm`
}
/** A pending second-factor challenge, by the SHA-256 of its secret (single key, so no hash tag needed). */
export const twoFactorChallengeKey = (digest: string) => `${KEY_PREFIX}2fa-challenge:${digest}`
/** Security events whose MySQL write failed (a logout while MySQL is away), JSON, waiting to be written (SPEC §14). */
export const PENDING_EVENTS_KEY = `${KEY_PREFIX}{events}:pending`
