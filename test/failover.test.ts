/*
 * Redis Cluster failover under load: a master dies (SIGKILL) while GET /user runs steadily for users
 * whose keys live on it. Its replica takes over after cluster-node-timeout (1 s here); the same app,
 * never restarted, serves every token again, and the test reports how long requests failed.
 */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cluster } from 'ioredis'

process.env.SESAME_TEST_REDIS = 'cluster'
const { build, loggedInUser, testCluster } = await import('./support/helper.js')
const { userKeys } = await import('../src/redis/keys.js')

t.test('killing a master during GET /user load: requests recover after the failover and no session is lost', async (t) => {
  const cluster = await testCluster()
  const app = await build(t)
  const victim = await cluster.masterOf(userKeys(1).user)
  const users: Array<{ token: string }> = []
  for (let i = 0; i < 40 && users.length < 8; i++) {
    const user = await loggedInUser(app)
    if (await cluster.masterOf(userKeys(user.user.id).user) === victim) users.push(user)
  }
  t.ok(users.length >= 3, `${users.length} users have their keys on master ${victim}`)

  // Replication is asynchronous: make sure the replica has every session before the master dies.
  const client: unknown = app.redis
  if (!(client instanceof Cluster)) throw new Error('the app should use a Cluster client')
  const node = client.nodes('master').find((each) => each.options.port === victim)
  if (node === undefined) throw new Error(`the app has no connection to master ${victim}`)
  t.ok(await node.wait(1, 1000) >= 1, 'one replica acknowledged the writes')

  const results: Array<{ at: number, status: number, ms: number }> = []
  const loadState = { running: true }
  const load = async () => {
    for (let i = 0; loadState.running; i++) {
      const token = users[i % users.length]?.token ?? ''
      const start = Date.now()
      const res = await app.inject({ method: 'GET', url: '/user', headers: { token } })
      results.push({ at: Date.now(), status: res.statusCode, ms: Date.now() - start })
      if (res.statusCode !== 200) await sleep(20)
    }
  }
  const loaders = [load(), load(), load()]
  await sleep(500)
  const killedAt = Date.now()
  cluster.servers.find((server) => server.port === victim)?.process.kill('SIGKILL')

  // Run until every request of the last second succeeded, for at most 30 s.
  const deadline = killedAt + 30_000
  while (Date.now() < deadline) {
    await sleep(250)
    const recent = results.filter((r) => r.at > Date.now() - 1000)
    if (Date.now() - killedAt > 2000 && recent.length > 0 && recent.every((r) => r.status === 200)) break
  }
  loadState.running = false
  await Promise.all(loaders)

  const after = results.filter((r) => r.at >= killedAt)
  const failed = after.filter((r) => r.status !== 200)
  const firstFailure = failed[0]?.at ?? killedAt
  const lastFailure = failed.at(-1)?.at ?? killedAt
  const statuses = [...new Set(failed.map((r) => r.status))]
  const slowest = Math.max(...after.map((r) => r.ms))
  const recoveredAt = Math.max(lastFailure, ...after.filter((r) => r.ms > 500).map((r) => r.at))
  t.comment(`failover: ${failed.length} of ${after.length} requests failed (statuses ${statuses.join(',') || 'none'}), ` +
    `failures spanned ${failed.length === 0 ? 0 : lastFailure - firstFailure} ms; the slowest request took ${slowest} ms; ` +
    `normal service ${recoveredAt - killedAt} ms after the kill`)
  t.ok(results.filter((r) => r.at < killedAt).every((r) => r.status === 200), 'before the kill every request succeeded')
  t.same(statuses.filter((status) => status !== 503), [], 'failures are 503 service_unavailable, never 500 or 401')
  t.ok(Date.now() < deadline, 'requests recovered within 30 s')
  t.not(await cluster.masterOf(userKeys(1).user), victim, 'a replica took over the slot')
  for (const [i, { token }] of users.entries()) {
    t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 200, `session ${i} survived`)
  }
})
