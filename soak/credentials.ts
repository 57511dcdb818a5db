/*
 * Flows that end sessions or change the password: logout, logout/all, password change, SMS reset; the
 * lookup that settles a password change whose outcome was unknown; and the concurrent wrong-password burst
 * that checks the lockout of SPEC §4.
 */
import { checkToken, call, login, newPassword, register, type Ctx } from './flows.js'
import type { Token, User } from './model.js'

export async function logout (ctx: Ctx, user: User, token: Token) {
  const r = ctx.model.begin(user, 'one', token.value)
  const method = ctx.rng() < 0.5 ? 'POST' : 'GET'
  const reply = await call(ctx, method, '/logout', { token: token.value, route: `${method} /logout` })
  ctx.model.finish(r, reply)
  checkToken(ctx, user, token, reply, r)
}

export async function logoutAll (ctx: Ctx, user: User, token: Token) {
  const r = ctx.model.begin(user, 'all')
  const reply = await call(ctx, 'POST', '/logout/all', { token: token.value, route: 'POST /logout/all' })
  ctx.model.finish(r, reply)
  checkToken(ctx, user, token, reply, r)
}

/** After an unknown outcome the password is the old one or `next`; the model keeps both until a login tells. */
function settle (ctx: Ctx, user: User, reply: { outcome: string, clean503: boolean, end: number, status: number }, next: string, op: string) {
  if (reply.outcome === 'ok') user.password = next
  if (reply.outcome === 'unknown') user.pendingPassword = { value: next, clean503: reply.clean503, end: reply.end, op }
}

export async function changePassword (ctx: Ctx, user: User, token: Token) {
  const from = user.password
  const next = newPassword()
  const r = ctx.model.begin(user, 'others', token.value, from)
  const reply = await call(ctx, 'POST', '/user/password', { token: token.value, body: { old_password: from, new_password: next }, route: 'POST /user/password' })
  ctx.model.finish(r, reply)
  checkToken(ctx, user, token, reply, r)
  settle(ctx, user, reply, next, 'POST /user/password')
  if (reply.status === 403) ctx.journal.violate('right_password_rejected', { user: user.id, route: 'POST /user/password', at: ctx.journal.t(reply.start) })
}

/** POST /sms/code for a reset code, read it from the fake gateway, POST /password/reset. Once a minute per number. */
export async function resetPassword (ctx: Ctx, user: User) {
  if (Date.now() - user.smsAt < 65_000 || user.smsCount >= 9) return
  const since = Date.now()
  user.smsAt = since
  user.smsCount++
  const asked = await call(ctx, 'POST', '/sms/code', { body: { phone_number: user.phone, purpose: 'reset_password' }, route: 'POST /sms/code' })
  if (asked.outcome !== 'ok') return
  const code = await ctx.stack.gateway.codeFor(user.phone, since)
  if (code === undefined) return // not delivered (the gateway never fails, but an instance may have been stopped)
  const from = user.password
  const next = newPassword()
  const r = ctx.model.begin(user, 'all', undefined, from)
  const reply = await call(ctx, 'POST', '/password/reset', { body: { phone_number: user.phone, sms_code: code, new_password: next }, route: 'POST /password/reset' })
  ctx.model.finish(r, reply)
  settle(ctx, user, reply, next, 'POST /password/reset')
  if (reply.status === 400 && !asked.inFault && !reply.inFault) {
    ctx.journal.violate('fresh_sms_code_rejected', { user: user.id, at: ctx.journal.t(reply.start), body: reply.body })
  }
}

/**
 * Settles a change with an unknown outcome, once its effects can no longer land: log in with the old
 * password, then the new one. A 503 means nothing changed (SPEC §5): if that change did apply, it says so.
 */
export async function resolvePassword (ctx: Ctx, user: User) {
  const pending = user.pendingPassword
  if (pending === undefined || Date.now() < ctx.journal.settledBy(pending.end)) return
  const old = await login(ctx, user, user.password, false)
  if (old.reply.status === 200) {
    user.pendingPassword = undefined
    return
  }
  if (old.reply.status !== 401) return // try again later
  const fresh = await login(ctx, user, pending.value, false)
  if (fresh.reply.status === 200) {
    if (pending.clean503) ctx.journal.violate('committed_despite_503', { op: pending.op, user: user.id, answeredAt: ctx.journal.t(pending.end) })
    user.password = pending.value
    user.pendingPassword = undefined
  } else if (fresh.reply.status === 401) {
    ctx.journal.violate('password_lost', { user: user.id, op: pending.op, answeredAt: ctx.journal.t(pending.end) })
    user.retired = true
  }
}

/**
 * A fresh user, then `size` wrong passwords at once over every instance. A 401 means a wrong password was
 * checked; SPEC §4 allows LOGIN_MAX_FAILURES of them per window, however many arrive at once. Then the
 * right password must get 429. Only judged when no Redis fault overlapped (a failover may lose the count).
 */
export async function bruteBurst (ctx: Ctx, size = 12) {
  const victim = await register(ctx)
  if (victim === undefined) return
  victim.retired = true
  const start = Date.now()
  const replies = await Promise.all(Array.from({ length: size }, (_, i) => call(ctx, 'POST', '/login', {
    body: { phone_number: victim.phone, password: `wrong-${i}-${victim.password}` }, route: 'POST /login (wrong password)'
  })))
  const right = await call(ctx, 'POST', '/login', { body: { phone_number: victim.phone, password: victim.password }, route: 'POST /login (after burst)' })
  if (ctx.journal.inFault(start, right.end, undefined, ['mysql', 'instance'])) return
  const statuses: Record<string, number> = {}
  for (const reply of replies) statuses[reply.label] = (statuses[reply.label] ?? 0) + 1
  const checked = statuses['401'] ?? 0
  const details = { user: victim.id, at: ctx.journal.t(start), concurrent: size, limit: ctx.maxFailures, wrongPasswordsChecked: checked, statuses }
  if (checked > ctx.maxFailures) ctx.journal.violate('lockout_overrun', details)
  if (checked >= ctx.maxFailures && right.status === 200) ctx.journal.violate('lockout_not_enforced', { ...details, rightPassword: right.label })
}
