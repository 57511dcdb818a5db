/*
 * SPEC §8: instances are stateless. Two real Sesame processes on their own ports share one MySQL and
 * one Redis (a single server, then a Redis Cluster): tokens, logouts, the session limit and both
 * login limits hold across them.
 */
import t from 'tap'
import { newPhone, PASSWORD, redisEnvOf, testServices } from './support/helper.js'
import { call, listeningUrl, spawnServer } from './support/spawn-server.js'

const IP_LIMIT = 25

for (const mode of ['single Redis', 'Redis Cluster'] as const) {
  t.test(`two processes on one MySQL and one ${mode}`, async (t) => {
    const { mysqlUrl } = await testServices()
    const env = { MYSQL_URL: mysqlUrl, ...await redisEnvOf(mode), MAX_SESSIONS_PER_USER: '1', LOGIN_MAX_FAILURES: '3', IP_RATE_LIMIT_PER_MINUTE: String(IP_LIMIT) }
    const servers = [spawnServer(env), spawnServer(env)]
    t.teardown(async () => {
      await Promise.all(servers.map((server) => server.stop()))
      if (!t.passing()) for (const server of servers) t.comment(server.output().slice(-4000))
    })
    const [a = '', b = ''] = await Promise.all(servers.map(listeningUrl))
    t.not(a, b, `two ports: ${a} and ${b}`)

    let attempts = 0 // login and register calls, which all draw on 127.0.0.1's budget
    const attempt = async (base: string, path: '/login' | '/register', body: unknown) => { attempts++; return await call(base, 'POST', path, { body }) }
    const logIn = async (base: string, phone: string, password = PASSWORD) => attempt(base, '/login', { phone_number: phone, password })
    const user = async (base: string, token: string) => (await call(base, 'GET', '/user', { token })).status

    const phone = newPhone()
    t.equal((await attempt(a, '/register', { phone_number: phone, password: PASSWORD })).status, 201)
    const token = String((await logIn(a, phone)).body.token)
    t.equal(await user(b, token), 200, 'a token issued by A works on B')
    t.equal((await call(b, 'POST', '/logout', { token })).status, 200)
    t.equal(await user(a, token), 401, 'a logout on B is refused by A at once')

    const first = String((await logIn(a, phone)).body.token)
    const second = String((await logIn(b, phone)).body.token)
    t.same([await user(a, first), await user(b, first), await user(a, second)], [401, 401, 200], 'MAX_SESSIONS_PER_USER=1 across both')

    t.equal((await logIn(a, phone, 'wrong password')).status, 401)
    t.equal((await logIn(b, phone, 'wrong password')).status, 401)
    t.equal((await logIn(a, phone, 'wrong password')).status, 401)
    t.equal((await logIn(b, phone)).status, 429, 'three failures spread over A and B block the number on B')
    t.equal((await logIn(a, phone)).status, 429, '…and on A')

    let allowed = attempts
    for (let i = 0; allowed < IP_LIMIT + 5; i++) {
      const res = await logIn(i % 2 === 0 ? a : b, newPhone())
      if (res.status === 429) break
      allowed++
    }
    t.equal(allowed, IP_LIMIT, `the per-IP budget of ${IP_LIMIT} a minute is shared by A and B`)
    t.same(await Promise.all(servers.map((server) => server.stop())), [0, 0], 'both exit 0 on SIGTERM')
  })
}
