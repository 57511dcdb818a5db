/*
 * The harness's own model of which tokens must work, which must not, and what each user's password and
 * nickname are. Every operation is an interval [start, end]: its effect happened somewhere inside it, or,
 * when its outcome is unknown (503, dropped connection), maybe happened, perhaps as late as the end of the
 * fault window it fell into (a command queued on a paused server runs when the server wakes).
 *
 * MAX_SESSIONS_PER_USER is 1: a login ends every other session of the user. A password change ends every
 * session but the one that asked; a reset and POST /logout/all end them all; a logout ends its own.
 * SPEC §4: a change or reset wins every race, so a session from a login with the old password is dead once
 * both are done, however the two overlapped.
 */
import type { Journal } from './journal.js'
import type { Reply } from './http.js'

export interface Token { value: string, start: number, end: number, password: string }

export type OpState = 'pending' | 'done' | 'maybe' | 'failed'

export interface Revocation {
  start: number
  end: number
  state: OpState
  /** one: `token` only; others: every session but `token`; all: every session. */
  scope: 'one' | 'others' | 'all'
  token?: string
  /** Password change or reset: the password it replaced. */
  passwordFrom?: string
  login?: boolean
}

export interface NicknameWrite { value: string, start: number, end: number, state: OpState, clean503: boolean }

export interface User {
  id: number
  phone: string
  password: string
  /** A change or reset with an unknown outcome: the password may be this one now. */
  pendingPassword?: { value: string, clean503: boolean, end: number, op: string }
  tokens: Token[]
  revocations: Revocation[]
  nicknames: NicknameWrite[]
  locks: Set<'credentials' | 'nickname'>
  smsAt: number
  smsCount: number
  retired: boolean
}

export type TokenState = 'live' | 'revoked' | 'maybe'

export class Model {
  readonly users: User[] = []
  constructor (private readonly journal: Journal) {}

  add (id: number, phone: string, password: string, nickname: string, at: number): User {
    const nicknames: NicknameWrite[] = [{ value: nickname, start: at, end: at, state: 'done', clean503: false }]
    const user: User = { id, phone, password, tokens: [], revocations: [], nicknames, locks: new Set(), smsAt: 0, smsCount: 0, retired: false }
    this.users.push(user)
    return user
  }

  /** When the effect of `r` (a revocation or nickname write) happened at the latest. */
  latest (r: { state: OpState, end: number }) {
    if (r.state === 'pending') return Infinity
    return r.state === 'maybe' ? this.journal.settledBy(r.end) : r.end
  }

  /** Whether `r` certainly happened and its effect in Redis cannot have been lost to a failover. */
  certain (r: { state: OpState, end: number }) {
    return r.state === 'done' && !this.journal.lossy(r.end)
  }

  /** Whether `r` reaches `t` if it happened after `t` was made, and whether it ends `t` whatever the order (SPEC §4 race). */
  private reaches (r: Revocation, t: Token) {
    const scoped = r.scope === 'all' || (r.scope === 'one' ? r.token === t.value : r.token !== t.value)
    const race = r.passwordFrom !== undefined && r.passwordFrom === t.password && r.token !== t.value
    return { scoped, race }
  }

  /**
   * What a request with `t` that ran over [qs, qe] must see. revoked: a certain revocation that reaches `t` was
   * over before qs. live: nothing that reaches `t` may have happened between its creation and qe. `except`
   * is the request's own revocation (a logout), which cannot act before the request is handled.
   */
  tokenState (user: User, t: Token, qs: number, qe: number, except?: Revocation): TokenState {
    return this.evaluate(user, t, qs, qe, except).state
  }

  /** The revocation that certainly ended `t` before `qs`, for a violation's details. */
  revokedBy (user: User, t: Token, qs: number): Revocation | undefined {
    return this.evaluate(user, t, qs, qs).by
  }

  private evaluate (user: User, t: Token, qs: number, qe: number, except?: Revocation): { state: TokenState, by?: Revocation } {
    let live = !this.journal.lossy(t.end)
    for (const r of user.revocations) {
      if (r === except || r.state === 'failed') continue
      const { scoped, race } = this.reaches(r, t)
      if (!scoped && !race) continue
      if (this.certain(r) && r.end < qs && (race || r.start > t.end)) return { state: 'revoked', by: r }
      if (this.latest(r) > t.start && r.start < qe) live = false
    }
    return { state: live ? 'live' : 'maybe' }
  }

  /** Whether a password change or reset of `user` may have taken effect during [start, end]. */
  credentialsChanging (user: User, start: number, end: number) {
    return user.revocations.some((r) => r.passwordFrom !== undefined && r.state !== 'failed' && r.start < end && this.latest(r) > start)
  }

  begin (user: User, scope: Revocation['scope'], token?: string, passwordFrom?: string): Revocation {
    const r: Revocation = { start: Date.now(), end: Infinity, state: 'pending', scope }
    if (token !== undefined) r.token = token
    if (passwordFrom !== undefined) r.passwordFrom = passwordFrom
    user.revocations.push(r)
    return r
  }

  /** Records how an operation ended: done on 2xx, failed on a 4xx or refusal, maybe otherwise. */
  finish (r: { state: OpState, end: number }, reply: Reply) {
    r.end = reply.end
    r.state = reply.outcome === 'ok' ? 'done' : reply.outcome === 'unknown' ? 'maybe' : 'failed'
  }

  /** The newest token not certainly revoked now, if any. */
  usableToken (user: User): Token | undefined {
    const now = Date.now()
    for (let i = user.tokens.length - 1; i >= 0; i--) {
      const token = user.tokens[i]
      if (token !== undefined && this.tokenState(user, token, now, now) !== 'revoked') return token
    }
    return undefined
  }

  active (): User[] {
    return this.users.filter((user) => !user.retired)
  }
}
