import t from 'tap'
import { build, logIn, newPhone, PASSWORD, registerUser, type App } from './support/helper.js'
import { freePort } from '../src/dev/local-services.js'

async function scrape (port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}`)
  return await res.text()
}

/** The value of one series in the Prometheus text format (0 if absent); `labels` as written, e.g. `result="success"`. */
function sample (text: string, name: string, labels = ''): number {
  const wanted = labels === '' ? name : `${name}{${labels}}`
  for (const line of text.split('\n')) {
    if (line.startsWith(wanted + ' ')) return Number(line.slice(wanted.length + 1))
  }
  return 0
}

const withMetrics = async (t: Parameters<typeof build>[0], env: Record<string, string> = {}) => {
  const port = await freePort()
  const app = await build(t, { METRICS_PORT: String(port), ...env })
  return { app, port }
}

const login = (app: App, phone: string, password: string) =>
  app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password } })

t.test('metrics are off unless METRICS_PORT is set', async (t) => {
  const app = await build(t)
  t.equal(app.metrics, null)
})

t.test('a scrape shows requests by route and status, logins, sessions and event-loop delay, and they move', async (t) => {
  const { app, port } = await withMetrics(t, { LOGIN_MAX_FAILURES: '2' })
  const before = await scrape(port)
  t.equal(sample(before, 'sesame_logins_total', 'result="success"'), 0, 'every login result starts at 0')
  t.match(before, /^nodejs_eventloop_lag_seconds \d/m, 'event-loop delay is measured')
  t.match(before, /^nodejs_eventloop_lag_p99_seconds \d/m)

  const { phone } = await registerUser(app)
  const first = await logIn(app, phone)
  const second = await logIn(app, phone) // evicts the first session (MAX_SESSIONS_PER_USER=1)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: second } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token: first } })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/logout', headers: { token: second } })).statusCode, 200)
  const stranger = newPhone()
  t.equal((await login(app, stranger, PASSWORD)).statusCode, 401)
  t.equal((await login(app, stranger, PASSWORD)).statusCode, 401)
  t.equal((await login(app, stranger, PASSWORD)).statusCode, 429)
  t.equal((await app.inject({ method: 'GET', url: '/no/such/path' })).statusCode, 404)

  const after = await scrape(port)
  const requests = (labels: string) => sample(after, 'sesame_http_requests_total', labels)
  t.equal(requests('method="GET",route="/user",status_code="200"'), 1)
  t.equal(requests('method="GET",route="/user",status_code="401"'), 1)
  t.equal(requests('method="POST",route="/register",status_code="201"'), 1)
  t.equal(requests('method="POST",route="/login",status_code="200"'), 2)
  t.equal(requests('method="GET",route="unmatched",status_code="404"'), 1, 'unknown paths share one series')
  t.equal(sample(after, 'sesame_http_request_duration_seconds_count', 'method="POST",route="/login",status_code="401"'), 2, 'latency histogram')
  t.ok(sample(after, 'sesame_http_request_duration_seconds_sum', 'method="POST",route="/login",status_code="200"') > 0)
  const buckets = [...after.matchAll(/^sesame_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="\/login",status_code="200"\} (\d+)$/gm)]
    .map(([, le, count]) => ({ le, count: Number(count) }))
  t.equal(buckets.length, 13, 'twelve bounds and +Inf')
  t.same(buckets.at(-1), { le: '+Inf', count: 2 }, '+Inf counts every request')
  t.ok(buckets.every((bucket, i) => i === 0 || bucket.count >= (buckets[i - 1]?.count ?? 0)), 'cumulative')
  t.ok(buckets.some((bucket) => bucket.count === 2 && bucket.le !== '+Inf'), 'an argon2id login lands under 5 s')
  t.match(after, /^# TYPE sesame_http_request_duration_seconds histogram$/m)
  t.match(after, /^# TYPE sesame_http_requests_total counter$/m)
  t.equal(sample(after, 'sesame_logins_total', 'result="success"'), 2)
  t.equal(sample(after, 'sesame_logins_total', 'result="failure"'), 2)
  t.equal(sample(after, 'sesame_logins_total', 'result="rate_limited"'), 1)
  t.equal(sample(after, 'sesame_sessions_total', 'event="created"'), 2)
  t.equal(sample(after, 'sesame_sessions_total', 'event="revoked"'), 2, 'one evicted, one logged out')

  const other = await fetch(`http://127.0.0.1:${port}/`)
  t.equal(other.status, 404, 'the metrics port serves /metrics only')
})

t.test('Redis and MySQL errors are counted', async (t) => {
  const { app, port } = await withMetrics(t)
  const { phone } = await registerUser(app)
  const token = await logIn(app, phone)
  const mysqlDown = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  app.usersRepository.findByPhone = async () => { throw mysqlDown }
  app.sessions.resolver.lookup = async () => { throw new Error('Connection is closed.') }
  t.equal((await login(app, phone, PASSWORD)).statusCode, 503)
  t.equal((await app.inject({ method: 'GET', url: '/user', headers: { token } })).statusCode, 503)
  const text = await scrape(port)
  t.equal(sample(text, 'sesame_dependency_errors_total', 'dependency="mysql",source="request"'), 1)
  t.equal(sample(text, 'sesame_dependency_errors_total', 'dependency="redis",source="request"'), 1)
  t.equal(sample(text, 'sesame_logins_total', 'result="error"'), 1)
})

t.test('two apps in one process keep separate registries', async (t) => {
  const a = await withMetrics(t)
  const b = await withMetrics(t)
  await a.app.inject({ method: 'GET', url: '/health' })
  await a.app.inject({ method: 'GET', url: '/health' })
  await b.app.inject({ method: 'GET', url: '/health' })
  const series = 'method="GET",route="/health",status_code="200"'
  t.equal(sample(await scrape(a.port), 'sesame_http_requests_total', series), 2)
  t.equal(sample(await scrape(b.port), 'sesame_http_requests_total', series), 1)
})
