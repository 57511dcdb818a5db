import type { AccountDeps } from './deps.js'

/**
 * sms.limit_reached (SPEC §14) for a registered number whose code a limit refused (the 60 s cooldown is no
 * limit reached, just a resend too soon). Recorded off the request path: SPEC §9 wants the reply to take the
 * same time whether or not the number is registered, and looking the user up is part of the recording.
 */
export function noteSmsLimit (deps: Pick<AccountDeps, 'users' | 'events' | 'log'>, refusal: { phoneNumber: string, purpose: string, userId?: number | undefined, ip: string }, err: unknown) {
  const limit = (err as { smsLimit?: unknown } | null)?.smsLimit
  if (typeof limit !== 'string' || limit === 'cooldown') return
  const recording = (async () => {
    const userId = refusal.userId ?? (await deps.users.findByPhone(refusal.phoneNumber))?.id
    if (userId === undefined) return
    await deps.events.record({ type: 'sms.limit_reached', userId, data: { limit, purpose: refusal.purpose }, context: { ip: refusal.ip } })
  })()
  recording.catch((failure: unknown) => deps.log.error({ err: failure, limit }, 'sms.limit_reached event not recorded'))
}
