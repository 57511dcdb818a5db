/*
 * Nicknames: PATCH /user writes MySQL and then the cached user in Redis; a login rewrites the cached user
 * from what it read in MySQL. The harness serialises a user's PATCHes, so the writes form a list.
 */
import type { Journal } from './journal.js'
import type { Model, NicknameWrite, User } from './model.js'

/** The nickname a read that began at `at` must see, or undefined when a write may be racing or unknown. */
export function expectedNickname (model: Model, user: User, at: number): string | undefined {
  const last = user.nicknames[user.nicknames.length - 1]
  if (last === undefined || !model.certain(last) || last.end >= at) return undefined
  return last.value
}

/** Every value MySQL may hold: the last certain write and any unknown one after it. */
export function possibleNicknames (user: User): NicknameWrite[] {
  const writes = user.nicknames.filter((w) => w.state !== 'failed')
  const lastDone = writes.map((w) => w.state).lastIndexOf('done')
  return writes.slice(Math.max(0, lastDone))
}

/** For a stale nickname: when the last write ran, and the logins (which rewrite the cached user) that overlapped it. */
export function nicknameEvidence (model: Model, journal: Journal, user: User) {
  const last = user.nicknames[user.nicknames.length - 1]
  if (last === undefined) return {}
  const t = (at: number) => journal.t(at)
  const logins = user.revocations.filter((r) => r.login === true && r.start < last.end && model.latest(r) > last.start)
  return { patch: [t(last.start), t(last.end)], overlappingLogins: logins.map((r) => ({ span: [t(r.start), t(r.end)], state: r.state })) }
}
