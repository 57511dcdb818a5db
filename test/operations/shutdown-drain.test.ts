import t from 'tap'
import { Agent, request } from 'node:http'
import { testServices } from '../support/helper.js'
import { call, listeningUrl, spawnServer } from '../support/spawn-server.js'

const exitWithin = async (exit: Promise<number | null>, ms: number) =>
  await Promise.race([exit, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))])

t.test('SHUTDOWN_DRAIN_SECONDS: on SIGTERM /ready answers 503 first, then the listener closes and the process exits 0', async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const server = spawnServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl, SHUTDOWN_DRAIN_SECONDS: '2' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const base = await listeningUrl(server)
  t.equal((await call(base, 'GET', '/ready')).status, 200, 'ready before')
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const draining = await call(base, 'GET', '/ready')
  t.equal(draining.status, 503, 'not ready while draining')
  t.match(draining.body, { code: 0, error: 'service_unavailable', message: 'shutting down' })
  t.equal((await call(base, 'GET', '/health')).status, 200, 'still answering meanwhile')
  t.equal(await server.exit, 0, 'exit 0')
  t.ok(Date.now() - signalled >= 2000, `the listener closed after the drain (${Date.now() - signalled} ms)`)
})

t.test('SIGTERM with an idle keep-alive connection open exits 0 promptly', async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const server = spawnServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const base = new URL(await listeningUrl(server))
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const status = await new Promise<number>((resolve, reject) => {
    request({ host: base.hostname, port: base.port, path: '/health', agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
      .on('error', reject).end()
  })
  t.equal(status, 200)
  t.equal(Object.values(agent.freeSockets).flat().length, 1, 'the connection stays open, idle')
  server.child.kill('SIGTERM')
  t.equal(await exitWithin(server.exit, 5000), 0, 'exit 0 well before close-with-grace gives up')
})

t.test('SIGTERM while a keep-alive connection has a request in flight: it is answered, then the process exits 0 promptly', async (t) => {
  const { mysqlUrl, redisUrl } = await testServices()
  const server = spawnServer({ MYSQL_URL: mysqlUrl, REDIS_URL: redisUrl })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const base = new URL(await listeningUrl(server))
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const body = JSON.stringify({ phone_number: '+8613800138000', password: 'not the password' })
  // The request is in flight (headers sent, body not yet) when SIGTERM arrives; its answer comes after.
  const answered = new Promise<number>((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: '/login', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('error', reject)
    req.flushHeaders()
    setTimeout(() => {
      server.child.kill('SIGTERM')
      setTimeout(() => req.end(body), 300)
    }, 300)
  })
  t.equal(await answered, 401, 'the request in flight was answered')
  t.equal(await exitWithin(server.exit, 5000), 0, 'the connection it leaves does not hold the shutdown until close-with-grace gives up')
})
