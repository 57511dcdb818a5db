/*
 * The mixed load: `clients` virtual phones, each picking a flow and a user at random, again and again.
 * Besides the plain flows, three races aim at SPEC §4 and the cached user: logins of one user at once, a
 * login just after a password change began, a nickname change just after a login began.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { bruteBurst, changePassword, logout, logoutAll, resetPassword, resolvePassword } from './credentials.js'
import { login, patchNickname, probe, register, someToken, type Ctx } from './flows.js'
import type { User } from './model.js'
import { between, pick, weighted } from './random.js'

const WEIGHTS = {
  probe: 30,
  probeRevoked: 8,
  login: 10,
  patch: 8,
  changePassword: 4,
  logout: 5,
  logoutAll: 3,
  reset: 4,
  loginRace: 6,
  loginVsChange: 5,
  loginVsPatch: 6,
  register: 3,
  brute: 1
}
type Op = keyof typeof WEIGHTS

const BRUTE_EVERY_MS = 20_000
const state = { lastBrute: 0 }

async function withLock (user: User, lock: 'credentials' | 'nickname', work: () => Promise<unknown>) {
  if (user.locks.has(lock)) return
  user.locks.add(lock)
  try {
    await work()
  } finally {
    user.locks.delete(lock)
  }
}

async function loginRace (ctx: Ctx, user: User) {
  const count = ctx.rng() < 0.5 ? 2 : 3
  await Promise.all(Array.from({ length: count }, () => login(ctx, user)))
}

/** The login starts 0–150 ms after the change, so its password check often straddles the change's write. */
async function loginVsChange (ctx: Ctx, user: User) {
  const token = await someToken(ctx, user)
  if (token === undefined) return
  const password = user.password
  const delay = between(ctx.rng, 0, 150)
  await Promise.all([changePassword(ctx, user, token), sleep(delay).then(() => login(ctx, user, password, false))])
}

/** The nickname change starts 0–80 ms after the login, while the login is hashing. */
async function loginVsPatch (ctx: Ctx, user: User) {
  const token = await someToken(ctx, user)
  if (token === undefined) return
  const delay = between(ctx.rng, 0, 80)
  await Promise.all([login(ctx, user), sleep(delay).then(() => patchNickname(ctx, user, token))])
}

async function probeRevoked (ctx: Ctx, user: User) {
  const now = Date.now()
  const revoked = user.tokens.filter((token) => ctx.model.tokenState(user, token, now, now) === 'revoked')
  const token = revoked.length > 0 ? pick(ctx.rng, revoked) : user.tokens.at(-1)
  if (token !== undefined) await probe(ctx, user, token)
}

async function step (ctx: Ctx, op: Op) {
  if (op === 'register') {
    if (ctx.model.active().length < ctx.maxUsers) await register(ctx)
    return
  }
  if (op === 'brute') {
    if (Date.now() - state.lastBrute < BRUTE_EVERY_MS) return
    state.lastBrute = Date.now()
    return await bruteBurst(ctx)
  }
  const users = ctx.model.active()
  if (users.length === 0) return
  const user = pick(ctx.rng, users)
  if (user.pendingPassword !== undefined) return await withLock(user, 'credentials', () => resolvePassword(ctx, user))
  if (op === 'probeRevoked') return await probeRevoked(ctx, user)
  if (op === 'login') return await login(ctx, user)
  if (op === 'loginRace') return await loginRace(ctx, user)
  if (op === 'reset') return await withLock(user, 'credentials', () => resetPassword(ctx, user))
  if (op === 'loginVsChange') return await withLock(user, 'credentials', () => loginVsChange(ctx, user))
  if (op === 'loginVsPatch') return await withLock(user, 'nickname', () => loginVsPatch(ctx, user))
  const anyToken = op === 'probe' && user.tokens.length > 0 && ctx.rng() < 0.3
  const token = anyToken ? pick(ctx.rng, user.tokens) : await someToken(ctx, user)
  if (token === undefined) return
  if (op === 'probe') return await probe(ctx, user, token)
  if (op === 'patch') return await withLock(user, 'nickname', () => patchNickname(ctx, user, token))
  if (op === 'changePassword') return await withLock(user, 'credentials', () => changePassword(ctx, user, token))
  if (op === 'logout') return await logout(ctx, user, token)
  return await logoutAll(ctx, user, token)
}

export interface LoadStats { steps: Record<string, number>, harnessErrors: string[] }

/** Runs the load until `stopped()`; returns how often each flow ran and any error of the harness itself. */
export async function runLoad (ctx: Ctx, clients: number, stopped: () => boolean): Promise<LoadStats> {
  const stats: LoadStats = { steps: {}, harnessErrors: [] }
  const client = async () => {
    while (!stopped()) {
      const op = weighted(ctx.rng, WEIGHTS)
      stats.steps[op] = (stats.steps[op] ?? 0) + 1
      try {
        await step(ctx, op)
      } catch (err) {
        if (stats.harnessErrors.length < 50) stats.harnessErrors.push(`${op}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      }
      await sleep(between(ctx.rng, 5, 40))
    }
  }
  await Promise.all(Array.from({ length: clients }, client))
  return stats
}
