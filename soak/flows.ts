/*
 * The mobile flows, one request each, over HTTP to a random live instance. Each updates the model and
 * checks its reply against it: a revoked token never works, a live one is never told it is invalid.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { send, type Reply, type SendOptions } from './http.js'
import type { Journal } from './journal.js'
import type { Model, NicknameWrite, Revocation, Token, User } from './model.js'
import { expectedNickname, nicknameEvidence } from './nicknames.js'
import { pick, type Rng } from './random.js'
import type { Stack } from './stack.js'

export interface Ctx { journal: Journal, model: Model, stack: Stack, rng: Rng, maxFailures: number, maxUsers: number }

const counter = { phone: randomInt(0, 50_000_000), nickname: 0 }
export const newPhone = () => `+86139${String(counter.phone++ % 100_000_000).padStart(8, '0')}`
export const newPassword = () => randomBytes(12).toString('base64url')
const STYLES = ['soak', '芝麻', 'sésame', '🙂ok', 'Ünï']
export const newNickname = (rng: Rng) => `${pick(rng, STYLES)}-${++counter.nickname}`

export async function call (ctx: Ctx, method: string, path: string, options: SendOptions = {}): Promise<Reply> {
  for (;;) {
    const up = ctx.stack.targets()
    if (up.length > 0) return await send(ctx.journal, pick(ctx.rng, up), method, path, options)
    await sleep(100)
  }
}

const short = (token: string) => token.slice(0, 12)

export function checkToken (ctx: Ctx, user: User, token: Token, reply: Reply, own?: Revocation) {
  if (reply.outcome === 'not_sent') return
  const { journal, model } = ctx
  const state = model.tokenState(user, token, reply.start, reply.end, own)
  const details = { user: user.id, token: short(token.value), status: reply.label, instance: reply.instance, at: journal.t(reply.start), issuedAt: journal.t(token.end) }
  if (reply.outcome === 'ok' && state === 'revoked') {
    const by = model.revokedBy(user, token, reply.start)
    const cause = by === undefined
      ? undefined
      : { scope: by.scope, start: journal.t(by.start), end: journal.t(by.end), keeps: by.token === undefined ? undefined : short(by.token), passwordChange: by.passwordFrom !== undefined }
    const login = { loginStart: journal.t(token.start), withReplacedPassword: by?.passwordFrom === token.password }
    journal.violateOnce(token.value, 'revoked_token_worked', { ...details, ...login, revokedBy: cause })
  }
  if (reply.status === 401 && state === 'live') journal.violate(reply.inFault ? 'live_token_rejected_in_fault' : 'live_token_rejected', details)
  if (reply.status === 401 && (reply.body?.code !== 2 || reply.body.error !== 'token_invalid')) journal.violate('bad_token_invalid_reply', { ...details, body: reply.body })
}

/** POST /login; a token on success. `check`: a 401 for the password the model knows is a violation. */
export async function login (ctx: Ctx, user: User, password = user.password, check = true): Promise<{ reply: Reply, token?: Token }> {
  const r = ctx.model.begin(user, 'all')
  r.login = true
  const reply = await call(ctx, 'POST', '/login', { body: { phone_number: user.phone, password }, route: 'POST /login' })
  ctx.model.finish(r, reply)
  const value = reply.body?.token
  if (reply.outcome === 'ok' && typeof value === 'string') {
    r.scope = 'others'
    r.token = value
    const token: Token = { value, start: reply.start, end: reply.end, password }
    user.tokens.push(token)
    return { reply, token }
  }
  if (check && reply.status === 401 && password === user.password && user.pendingPassword === undefined &&
    !ctx.model.credentialsChanging(user, reply.start, reply.end)) {
    ctx.journal.violate('right_password_rejected', { user: user.id, route: 'POST /login', at: ctx.journal.t(reply.start), body: reply.body })
  }
  return { reply }
}

/** A token that is not certainly revoked, or a fresh one from a login. */
export async function someToken (ctx: Ctx, user: User): Promise<Token | undefined> {
  return ctx.model.usableToken(user) ?? (user.pendingPassword === undefined ? (await login(ctx, user)).token : undefined)
}

/** POST /register, retried while the outcome is unknown; a 409 after an unknown outcome means it had happened. */
export async function register (ctx: Ctx): Promise<User | undefined> {
  const { journal, model } = ctx
  const body = { phone_number: newPhone(), password: newPassword(), nickname: newNickname(ctx.rng) }
  const unknown: Reply[] = []
  for (let attempt = 0; attempt < 8; attempt++) {
    const reply = await call(ctx, 'POST', '/register', { body, route: 'POST /register' })
    const id = (reply.body?.user as { id?: unknown } | undefined)?.id
    if (reply.status === 201 && typeof id === 'number') return model.add(id, body.phone_number, body.password, body.nickname, reply.end)
    if (reply.status === 409 && unknown.length > 0) {
      if (unknown.every((each) => each.clean503)) {
        journal.violate('committed_despite_503', { op: 'POST /register', phone: body.phone_number, at: unknown.map((each) => journal.t(each.start)) })
      }
      return await adopt(ctx, body.phone_number, body.password, body.nickname)
    }
    if (reply.outcome === 'unknown') unknown.push(reply)
    else if (reply.outcome !== 'not_sent') return undefined
    while (Date.now() < journal.settledBy(reply.end)) await sleep(200)
  }
  return undefined
}

/** A user whose registration answered 503 or nothing, yet happened: log in to learn its id. */
async function adopt (ctx: Ctx, phone: string, password: string, nickname: string) {
  const user = ctx.model.add(0, phone, password, nickname, Date.now())
  user.retired = true
  for (let attempt = 0; attempt < 5; attempt++) {
    const { reply, token } = await login(ctx, user)
    const me = token === undefined ? reply : await call(ctx, 'GET', '/user', { token: token.value, route: 'GET /user' })
    if (typeof me.body?.id === 'number') {
      user.id = me.body.id
      user.retired = false
      return user
    }
    while (Date.now() < ctx.journal.settledBy(me.end)) await sleep(200) // a fault: try again once it is over
  }
  return undefined
}

export async function probe (ctx: Ctx, user: User, token: Token) {
  const reply = await call(ctx, 'GET', '/user', { token: token.value, route: 'GET /user', ignore: ['mysql'] })
  checkToken(ctx, user, token, reply)
  if (reply.outcome !== 'ok') return reply
  const where = { user: user.id, instance: reply.instance, at: ctx.journal.t(reply.start) }
  if (reply.body?.id !== user.id) ctx.journal.violate('wrong_user', { ...where, got: reply.body?.id })
  const expected = expectedNickname(ctx.model, user, reply.start)
  if (expected !== undefined && reply.body?.nickname !== expected) {
    ctx.journal.violateOnce(`${user.id} ${expected}`, 'stale_nickname_read', { ...where, expected, got: reply.body?.nickname, ...nicknameEvidence(ctx.model, ctx.journal, user) })
  }
  return reply
}

export async function patchNickname (ctx: Ctx, user: User, token: Token) {
  const value = newNickname(ctx.rng)
  const write: NicknameWrite = { value, start: Date.now(), end: Infinity, state: 'pending', clean503: false }
  user.nicknames.push(write)
  const reply = await call(ctx, 'PATCH', '/user', { token: token.value, body: { nickname: value }, route: 'PATCH /user' })
  ctx.model.finish(write, reply)
  write.clean503 = reply.clean503
  checkToken(ctx, user, token, reply)
  const got = (reply.body?.user as { nickname?: unknown } | undefined)?.nickname
  if (reply.outcome === 'ok' && got !== value) ctx.journal.violate('wrong_patch_reply', { user: user.id, sent: value, got })
}
