/*
 * The checks at the end, on a quiet system: the cached nickname in Redis agrees with MySQL, and MySQL holds
 * a value the model allows; every token is probed once more (live ones work, revoked ones do not, no user
 * has more working tokens than MAX_SESSIONS_PER_USER); Redis holds no half-written session; and password
 * changes with unknown outcomes are settled.
 */
import { Cluster, type Redis } from 'ioredis'
import mysql, { type RowDataPacket } from 'mysql2/promise'
import { countSessionKeys, findSessionInconsistencies } from '../test/support/redis-consistency.js'
import { resolvePassword } from './credentials.js'
import { probe, type Ctx } from './flows.js'
import type { User } from './model.js'
import { possibleNicknames } from './nicknames.js'

const SESSION_TTL_MS = 2_592_000_000
const REVOKED_PROBES_PER_USER = 3

export interface FinalChecks {
  usersInMysql: number
  nicknamesCompared: number
  cachedNicknamesCompared: number
  tokensProbed: number
  tokensWorking: number
  redis: { users: number, sessions: number, problems: number }
  passwordsSettled: number
}

async function masters (client: Redis | Cluster): Promise<Redis[]> {
  if (!(client instanceof Cluster)) return [client]
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
  return client.nodes('master')
}

async function checkNicknames (ctx: Ctx, rows: Map<number, string | null>, result: FinalChecks) {
  const { journal, model } = ctx
  const redis = ctx.stack.redisClient()
  for (const user of model.users.filter((each) => each.id > 0)) {
    if (!rows.has(user.id)) {
      journal.violate('user_missing_in_mysql', { user: user.id })
      continue
    }
    const stored = rows.get(user.id) ?? null
    const possible = possibleNicknames(user)
    const match = possible.find((write) => write.value === stored)
    result.nicknamesCompared++
    if (match === undefined) journal.violate('nickname_lost', { user: user.id, mysql: stored, allowed: possible.map((w) => w.value) })
    if (match?.state === 'maybe' && match.clean503) {
      journal.violate('committed_despite_503', { op: 'PATCH /user', user: user.id, nickname: stored, answeredAt: journal.t(match.end) })
    }
    // A Redis write may be lost to a failover (see journal.ts). Logins and PATCHes write the cache; only the
    // last one matters (a later one overwrites a lost one), and if it fell in such a window, skip the user.
    const writers = [...user.nicknames, ...user.revocations.filter((r) => r.login === true)].filter((op) => op.state !== 'failed')
    if (journal.lossy(Math.max(...writers.map((op) => op.end)))) continue
    const cached = await redis.hget(`sesame:{u${user.id}}:user`, 'nickname')
    if (cached === null) continue
    result.cachedNicknamesCompared++
    if (cached !== (stored ?? '')) journal.violate('stale_cached_nickname', { user: user.id, mysql: stored, redis: cached })
  }
}

async function probeTokens (ctx: Ctx, result: FinalChecks, maxSessions: number) {
  const work: Array<{ user: User, index: number }> = []
  for (const user of ctx.model.users.filter((each) => each.id > 0)) {
    const now = Date.now()
    const revoked = user.tokens.map((token, index) => ({ index, revoked: ctx.model.tokenState(user, token, now, now) === 'revoked' }))
    const picked = [...revoked.filter((t) => !t.revoked), ...revoked.filter((t) => t.revoked).slice(-REVOKED_PROBES_PER_USER)]
    for (const { index } of picked) work.push({ user, index })
  }
  const working = new Map<User, number>()
  const worker = async () => {
    for (let item = work.shift(); item !== undefined; item = work.shift()) {
      const token = item.user.tokens[item.index]
      if (token === undefined) continue
      const reply = await probe(ctx, item.user, token)
      result.tokensProbed++
      if (reply.status === 200) working.set(item.user, (working.get(item.user) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker))
  for (const [user, count] of working) {
    result.tokensWorking += count
    if (count > maxSessions) ctx.journal.violate('too_many_sessions', { user: user.id, working: count, limit: maxSessions })
  }
}

export async function finalChecks (ctx: Ctx, maxSessions: number): Promise<FinalChecks> {
  const result: FinalChecks = {
    usersInMysql: 0, nicknamesCompared: 0, cachedNicknamesCompared: 0, tokensProbed: 0, tokensWorking: 0, redis: { users: 0, sessions: 0, problems: 0 }, passwordsSettled: 0
  }
  const db = await mysql.createConnection(ctx.stack.mysqlUrl)
  let rows: RowDataPacket[]
  try {
    [rows] = await db.query<RowDataPacket[]>('SELECT id, nickname FROM user')
  } finally {
    await db.end()
  }
  const nicknames = new Map(rows.map((row) => [Number(row.id), row.nickname as string | null]))
  result.usersInMysql = nicknames.size
  await checkNicknames(ctx, nicknames, result) // first: the logins below rewrite the cached user
  await probeTokens(ctx, result, maxSessions)
  const knownUserIds = new Set(nicknames.keys())
  for (const node of await masters(ctx.stack.redisClient())) {
    const problems = await findSessionInconsistencies(node, { sessionTtlMs: SESSION_TTL_MS, knownUserIds, maxSessions: () => maxSessions })
    for (const problem of problems) ctx.journal.violate('redis_inconsistent', { problem })
    const counts = await countSessionKeys(node)
    result.redis.users += counts.users
    result.redis.sessions += counts.sessions
    result.redis.problems += problems.length
  }
  for (const user of ctx.model.users.filter((each) => each.pendingPassword !== undefined && !each.retired)) {
    await resolvePassword(ctx, user)
    if (user.pendingPassword === undefined) result.passwordsSettled++
  }
  return result
}
