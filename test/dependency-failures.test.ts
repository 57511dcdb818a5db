import t, { type Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildOn, ownServices, timed } from './support/own-services.js'
import { PASSWORD, logIn, newPhone, registerUser } from './support/helper.js'

// SPEC §5: a request that needs a dependency which is down or hung answers 503 within 2 s, the process
// stays up, /ready names the dependency, and requests succeed again within 10 s of its return.
const ANSWER_WITHIN_MS = 2000
const RECOVER_WITHIN_MS = 10_000

const services = await ownServices(t, { persistentRedis: true })
const app = await buildOn(t, services, { MAX_SESSIONS_PER_USER: '5' })
const { phone } = await registerUser(app)
const token = await logIn(app, phone)
const spareToken = await logIn(app, phone) // for the logouts, which may still happen once a hung Redis wakes up

type Request = InjectOptions
const withToken = (request: Request, value = token): Request => ({ ...request, headers: { token: value } })
const getUser = withToken({ method: 'GET', url: '/user' })
const login = { method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } } as const
const register = { method: 'POST', url: '/register', payload: { phone_number: newPhone(), password: PASSWORD } } as const
const NEEDS_REDIS: Record<string, Request> = {
  'GET /user': getUser,
  'GET /sessions': withToken({ method: 'GET', url: '/sessions' }),
  'POST /login': login,
  'POST /register': register,
  'GET /logout': withToken({ method: 'GET', url: '/logout' }, spareToken)
}
const NEEDS_MYSQL: Record<string, Request> = {
  'POST /login': login,
  'POST /register': register,
  'PATCH /user': withToken({ method: 'PATCH', url: '/user', payload: { nickname: 'offline' } }),
  'POST /user/password': withToken({ method: 'POST', url: '/user/password', payload: { old_password: PASSWORD, new_password: PASSWORD } })
}

/** Sends every request `times` times at once; each must answer 503 service_unavailable within 2 s. */
async function assertUnavailable (t: Test, requests: Record<string, Request>, times = 1) {
  const sent = Object.entries(requests).flatMap(([name, request]) =>
    Array.from({ length: times }, () => timed(() => app.inject(request)).then((result) => ({ name, ...result }))))
  const results = await Promise.all(sent)
  const slowest = Math.max(...results.map((result) => result.ms))
  for (const { name, value: res, ms } of results) {
    if (res.statusCode !== 503 || ms >= ANSWER_WITHIN_MS) {
      t.fail(`${name} answered ${res.statusCode} in ${Math.round(ms)} ms`, { body: res.body })
      return
    }
    t.match(res.json(), { code: 0, error: 'service_unavailable' })
    t.notMatch(res.body, /redis|mysql|ECONN|timed out|Stream/i, 'no internal detail')
  }
  t.pass(`${results.length} requests: 503 service_unavailable, slowest in ${Math.round(slowest)} ms`)
}

async function assertReadiness (t: Test, checks: { mysql: string, redis: string }) {
  const ready = await timed(() => app.inject({ method: 'GET', url: '/ready' }))
  t.equal(ready.value.statusCode, 503, '/ready answers 503')
  t.match(ready.value.json(), { code: 0, error: 'service_unavailable', checks })
  t.ok(ready.ms < ANSWER_WITHIN_MS, `/ready answered in ${Math.round(ready.ms)} ms`)
  const health = await timed(() => app.inject({ method: 'GET', url: '/health' }))
  t.equal(health.value.statusCode, 200, '/health stays 200: the process is alive')
  t.ok(health.ms < 200, `/health answered in ${Math.round(health.ms)} ms`)
}

/** Polls `attempt` until it answers 200; returns how long that took. */
async function recovery (attempt: () => Promise<LightMyRequestResponse>): Promise<number> {
  const start = performance.now()
  let last: LightMyRequestResponse | undefined
  while (performance.now() - start < RECOVER_WITHIN_MS) {
    last = await attempt()
    if (last.statusCode === 200) return performance.now() - start
    await sleep(100)
  }
  throw new Error(`no recovery within ${RECOVER_WITHIN_MS} ms: last answer ${last?.statusCode} ${last?.body}`)
}

t.test('Redis stopped: 503 within 2 s for what needs it, /ready says redis, and it recovers after a restart', async (t) => {
  await services.stopRedis()
  await assertUnavailable(t, NEEDS_REDIS)
  await assertUnavailable(t, NEEDS_REDIS, 10)
  await assertReadiness(t, { mysql: 'ok', redis: 'down' })

  // Requests keep failing fast however long the outage lasts: nothing waits in a queue.
  const latencies: number[] = []
  for (let i = 0; i < 10; i++) {
    const { value: res, ms } = await timed(() => app.inject(getUser))
    t.equal(res.statusCode, 503)
    latencies.push(ms)
    await sleep(300)
  }
  t.ok(Math.max(...latencies) < 1000, `during the outage every request fails at once (slowest ${Math.round(Math.max(...latencies))} ms)`)

  await services.startRedis()
  const ms = await recovery(() => app.inject(getUser))
  t.pass(`GET /user works again ${Math.round(ms)} ms after Redis came back`)
  t.equal((await app.inject(login)).statusCode, 200, 'login works again')
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200, 'ready again')
})

t.test('MySQL stopped: GET /user keeps working, the rest answers 503 within 2 s, and it recovers after a restart', async (t) => {
  await services.stopMariaDb()
  for (let i = 0; i < 3; i++) {
    const { value: res, ms } = await timed(() => app.inject(getUser))
    t.equal(res.statusCode, 200, `GET /user needs only Redis (${Math.round(ms)} ms)`)
  }
  t.equal((await app.inject(withToken({ method: 'GET', url: '/sessions' }))).statusCode, 200, 'GET /sessions needs only Redis')
  await assertUnavailable(t, NEEDS_MYSQL)
  await assertUnavailable(t, NEEDS_MYSQL, 10)
  await assertReadiness(t, { mysql: 'down', redis: 'ok' })

  await services.startMariaDb()
  const ms = await recovery(() => app.inject(login))
  t.pass(`login works again ${Math.round(ms)} ms after MySQL came back`)
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200, 'ready again')
})

t.test('Redis hung (SIGSTOP): 503 within 2 s, then it recovers after SIGCONT', async (t) => {
  services.redis.process.kill('SIGSTOP')
  try {
    await assertUnavailable(t, NEEDS_REDIS)
    await assertUnavailable(t, NEEDS_REDIS, 10)
    await assertReadiness(t, { mysql: 'ok', redis: 'down' })
  } finally {
    services.redis.process.kill('SIGCONT')
  }
  const ms = await recovery(() => app.inject(getUser))
  t.pass(`GET /user works again ${Math.round(ms)} ms after SIGCONT`)
  t.equal((await app.inject(login)).statusCode, 200, 'login works again')
})

t.test('MySQL hung (SIGSTOP): GET /user keeps working, the rest answers 503 within 2 s, then it recovers', async (t) => {
  services.mariadb.process.kill('SIGSTOP')
  try {
    t.equal((await app.inject(getUser)).statusCode, 200, 'GET /user needs only Redis')
    await assertUnavailable(t, NEEDS_MYSQL)
    await assertUnavailable(t, NEEDS_MYSQL, 10)
    await assertReadiness(t, { mysql: 'down', redis: 'ok' })
  } finally {
    services.mariadb.process.kill('SIGCONT')
  }
  const ms = await recovery(() => app.inject(login))
  t.pass(`login works again ${Math.round(ms)} ms after SIGCONT`)
})
