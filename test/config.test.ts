import t from 'tap'
import { loadConfig, trustProxySetting } from '../src/config/env.js'

t.test('defaults follow SPEC §7', async (t) => {
  t.match(loadConfig({}), {
    HOST: '127.0.0.1',
    PORT: 3000,
    SESSION_TTL_SECONDS: 2_592_000,
    MAX_SESSIONS_PER_USER: 1,
    SESSION_SLIDING: true,
    PASSWORD_MIN_LENGTH: 8,
    LOGIN_MAX_FAILURES: 5,
    LOGIN_FAILURE_WINDOW_SECONDS: 900,
    IP_RATE_LIMIT_PER_MINUTE: 100,
    LOG_LEVEL: 'info',
    TRUST_PROXY: 'false'
  })
})

t.test('values are coerced from strings; empty means unset', async (t) => {
  const config = loadConfig({ PORT: '8080', SESSION_SLIDING: 'false', MAX_SESSIONS_PER_USER: '3', HOST: '', LOG_LEVEL: 'warn' })
  t.match(config, { PORT: 8080, SESSION_SLIDING: false, MAX_SESSIONS_PER_USER: 3, HOST: '127.0.0.1', LOG_LEVEL: 'warn' })
})

t.test('a bad value throws an error naming the variable', async (t) => {
  const bad: Record<string, string> = {
    PORT: 'eighty',
    SESSION_TTL_SECONDS: '0',
    MAX_SESSIONS_PER_USER: '-1',
    SESSION_SLIDING: 'maybe',
    PASSWORD_MIN_LENGTH: '200',
    LOGIN_MAX_FAILURES: '1.5',
    LOG_LEVEL: 'loud',
    MYSQL_URL: 'postgres://x',
    REDIS_URL: 'http://x',
    REDIS_CLUSTER_NODES: 'a,b'
  }
  for (const [name, value] of Object.entries(bad)) {
    t.throws(() => loadConfig({ [name]: value }), new RegExp(name), `${name}=${value}`)
  }
})

t.test('TRUST_PROXY: booleans, hop counts and address lists', async (t) => {
  t.equal(trustProxySetting('false'), false)
  t.equal(trustProxySetting('true'), true)
  t.equal(trustProxySetting('10.0.0.0/8,127.0.0.1'), '10.0.0.0/8,127.0.0.1')
  const hops = trustProxySetting('1')
  t.type(hops, 'function')
  if (typeof hops === 'function') {
    t.equal(hops('10.0.0.1', 0), true)
    t.equal(hops('10.0.0.1', 1), false)
  }
})

t.test('scale-out settings: defaults and bad values', async (t) => {
  t.match(loadConfig({}), { WORKERS: 1, METRICS_PORT: 0, MAX_EVENT_LOOP_DELAY_MS: 1000, MAX_HEAP_USED_BYTES: 0 })
  t.match(loadConfig({ WORKERS: '2', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }), { WORKERS: 2, METRICS_PORT: 9464, METRICS_HOST: '0.0.0.0' })
  for (const [name, value] of [['WORKERS', '0'], ['WORKERS', 'two'], ['METRICS_PORT', '70000'], ['MAX_EVENT_LOOP_DELAY_MS', '-1'], ['MAX_HEAP_USED_BYTES', '1.5']]) {
    t.throws(() => loadConfig({ [name ?? '']: value }), new RegExp(name ?? ''), `${name}=${value}`)
  }
})

t.test('webhook settings: an http(s) URL and a secret of 32+ characters, both or neither', async (t) => {
  const secret = 'w'.repeat(32)
  t.match(loadConfig({ WEBHOOK_URL: 'https://hooks.example/sesame', WEBHOOK_SECRET: secret }), { WEBHOOK_URL: 'https://hooks.example/sesame', WEBHOOK_SECRET: secret })
  t.throws(() => loadConfig({ WEBHOOK_URL: 'ftp://hooks.example', WEBHOOK_SECRET: secret }), /WEBHOOK_URL/)
  t.throws(() => loadConfig({ WEBHOOK_URL: 'https://hooks.example', WEBHOOK_SECRET: 'w'.repeat(31) }), /WEBHOOK_SECRET/)
  t.throws(() => loadConfig({ WEBHOOK_URL: 'https://hooks.example' }), /WEBHOOK_SECRET/)
  t.throws(() => loadConfig({ WEBHOOK_SECRET: secret }), /WEBHOOK_URL/)
})
