import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cluster, type Redis } from 'ioredis'
import { userKeys } from '../src/keys.js'
import { client, commandCount, instance, newUser, TARGETS, untilTrusted } from './support.js'

/** Polls `check` every millisecond and returns how long it took to become true (fails after 1 s). */
async function within (check: () => Promise<boolean>) {
  const started = Date.now()
  while (!await check()) {
    if (Date.now() - started > 1000) throw new Error('not within 1 s')
    await sleep(1)
  }
  return Date.now() - started
}

/** Kills, on every master, the connections of `type` (pubsub: the invalidation connections). */
async function kill (redis: Redis | Cluster, type: 'pubsub' | 'normal') {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis]
  for (const node of nodes) await node.call('CLIENT', 'KILL', 'TYPE', type)
}

for (const target of TARGETS) {
  t.test(`${target}: a cached resolve costs Redis no command at all`, async (t) => {
    const a = await instance(t, target)
    const probe = await client(t, target)
    const user = newUser()
    await untilTrusted(a, user.id)
    const { token } = await a.create(user, 'test')
    t.ok(await a.resolve(token), 'the first resolve reads Redis')
    const before = await commandCount(probe)
    for (let i = 0; i < 100; i++) t.equal((await a.resolve(token))?.id, user.id)
    t.equal(await commandCount(probe) - before, 0, '100 cached resolves, 0 Redis commands (INFO commandstats)')
  })

  t.test(`${target}: a logout on one instance is refused by another within 100 ms, 50 requests at once`, async (t) => {
    const a = await instance(t, target)
    const b = await instance(t, target)
    const user = newUser()
    await Promise.all([untilTrusted(a, user.id), untilTrusted(b, user.id)])
    const { token } = await a.create(user, 'test')
    const digest = (await b.resolve(token))?.tokenDigest ?? ''
    t.ok(await b.resolve(token), 'cached on B')
    await a.revoke(user.id, digest)
    const ms = await within(async () => await b.resolve(token) === null)
    t.ok(ms <= 100, `B refused it after ${ms} ms`)
    const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => await (i % 2 === 0 ? a : b).resolve(token)))
    t.equal(answers.filter((answer) => answer !== null).length, 0, 'no instance accepts it any more')
  })

  t.test(`${target}: every other session change (revoke all, a deleted user, a changed user) reaches another instance`, async (t) => {
    const a = await instance(t, target)
    const b = await instance(t, target)
    const probe = await client(t, target)
    const user = newUser()
    await Promise.all([untilTrusted(a, user.id), untilTrusted(b, user.id)])
    const first = await a.create(user, 'one')
    const second = await a.create(user, 'two')
    t.ok(await b.resolve(first.token))
    t.ok(await b.resolve(second.token))
    await a.revokeAll(user.id)
    t.ok(await within(async () => await b.resolve(first.token) === null && await b.resolve(second.token) === null) <= 100, 'password change, ban: all sessions refused')
    const third = await a.create(user, 'three')
    t.ok(await b.resolve(third.token))
    await probe.hset(userKeys(user.id).user, 'nickname', 'renamed')
    t.ok(await within(async () => (await b.resolve(third.token))?.nickname === 'renamed') <= 100, 'a changed cached user is seen')
    await probe.del(userKeys(user.id).user)
    t.ok(await within(async () => await b.resolve(third.token) === null) <= 100, 'a deleted user is refused')
  })

  t.test(`${target}: the invalidation connection killed: memory flushed and bypassed, no revoked token accepted at any moment`, async (t) => {
    const a = await instance(t, target)
    const b = await instance(t, target)
    const probe = await client(t, target)
    const user = newUser()
    await Promise.all([untilTrusted(a, user.id), untilTrusted(b, user.id)])
    const sessions = await Promise.all(Array.from({ length: 5 }, async () => await a.create(user, 'test')))
    for (const { token } of sessions) t.ok(await b.resolve(token))
    t.equal(b.resolver.cacheSize, 5)
    await kill(probe, 'pubsub')
    await within(async () => !b.resolver.trusted(user.id))
    t.equal(b.resolver.cacheSize, 0, 'flushed when the channel dropped')
    // Revocations while the channel is down (each one's message would be lost): B must see each at once.
    for (const { token } of sessions.slice(0, 3)) {
      const digest = (await b.resolve(token))?.tokenDigest ?? ''
      await a.revoke(user.id, digest)
      t.equal(await b.resolve(token), null, 'refused at once while bypassing')
    }
    t.equal(b.resolver.cacheSize, 0, 'nothing stored while tracking is down')
    await untilTrusted(b, user.id)
    for (const { token } of sessions.slice(3)) t.ok(await b.resolve(token), 'cached again once tracking is back')
    for (const { token } of sessions.slice(0, 3)) t.equal(await b.resolve(token), null)
    const last = sessions[4]?.token ?? ''
    await a.revoke(user.id, (await b.resolve(last))?.tokenDigest ?? '')
    t.ok(await within(async () => await b.resolve(last) === null) <= 100, 'invalidations arrive again')
  })

  t.test(`${target}: the tracking connection killed: flushed, and tracking re-established`, async (t) => {
    const b = await instance(t, target)
    const probe = await client(t, target)
    const user = newUser()
    await untilTrusted(b, user.id)
    const { token } = await b.create(user, 'test')
    t.ok(await b.resolve(token))
    await kill(probe, 'normal') // every client connection, the probe's and the tracking one
    await within(async () => !b.resolver.trusted(user.id) || b.resolver.cacheSize === 0)
    t.equal(b.resolver.cacheSize, 0)
    await untilTrusted(b, user.id)
    await sleep(50)
    t.ok(await b.resolve(token))
    await probe.del(userKeys(user.id).sessionPrefix + ((await b.resolve(token))?.tokenDigest ?? ''))
    t.ok(await within(async () => await b.resolve(token) === null) <= 100, 'the new tracking connection is tracked')
  })

  t.test(`${target}: the LRU keeps at most SESSION_CACHE_SIZE sessions, dropping the least recently used`, async (t) => {
    const b = await instance(t, target, 3)
    const probe = await client(t, target)
    const user = newUser()
    await untilTrusted(b, user.id)
    const tokens = await Promise.all(Array.from({ length: 4 }, async () => (await b.create(user, 'x')).token))
    for (const token of tokens.slice(0, 3)) await b.resolve(token)
    await b.resolve(tokens[0] ?? '') // the first becomes the most recent; the second is now the oldest
    await b.resolve(tokens[3] ?? '')
    t.equal(b.resolver.cacheSize, 3, 'bounded')
    const count = async (token: string) => {
      const before = await commandCount(probe)
      await b.resolve(token)
      return await commandCount(probe) - before
    }
    t.equal(await count(tokens[0] ?? ''), 0, 'recently used: still in memory')
    t.equal(await count(tokens[3] ?? ''), 0)
    t.ok(await count(tokens[1] ?? '') > 0, 'the least recently used was evicted')
  })
}
