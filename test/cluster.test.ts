/*
 * The session, auth, rate-limit, SMS-code and SMS-budget scenarios again, on a real Redis Cluster (3 masters with a replica
 * each): this file switches the helper to cluster mode and runs those test files in this one process,
 * so the scenarios are written once and the cluster is started once.
 */
import t from 'tap'

process.env.SESAME_TEST_REDIS = 'cluster'
const { testCluster } = await import('./support/helper.js')

t.before(async () => {
  const started = Date.now()
  const cluster = await testCluster()
  t.comment(`Redis Cluster up in ${Date.now() - started} ms: ${cluster.nodes}`)
})

await import('./routes/login.test.js')
await import('./routes/logout.test.js')
await import('./routes/sessions.test.js')
await import('./routes/user.test.js')
await import('./sessions.test.js')
await import('./rate-limits.test.js')
await import('./routes/sms-code.test.js')
await import('./routes/register-sms.test.js')
await import('./routes/password-reset.test.js')
await import('./sms-budgets.test.js')

t.test('the app used the cluster, and no node ever answered CROSSSLOT', async (t) => {
  const { build, loggedInUser } = await import('./support/helper.js')
  const { Cluster } = await import('ioredis')
  const cluster = await testCluster()
  const app = await build(t)
  t.ok(app.redis instanceof Cluster, 'app.redis is an ioredis Cluster')
  await loggedInUser(app)
  for (const server of cluster.servers) {
    const errors = await cluster.cli(server.port, 'INFO', 'errorstats')
    t.notMatch(errors, /CROSSSLOT/, `node ${server.port}: no CROSSSLOT`)
  }
})
