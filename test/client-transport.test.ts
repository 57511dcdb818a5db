import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import {
  createSesameClient, memoryStorage, SesameAbortError, SesameError, SesameNetworkError, type TokenStorage
} from '../client/src/index.js'

interface Seen { method: string, url: string, headers: IncomingHttpHeaders, body: string }

/** A local HTTP server whose answers the test decides; it records what it was sent. */
async function fakeSesame (t: Test, answer: (res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      seen.push(request)
      answer(res, request)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const { port } = server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, seen }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))

const never = () => {}

async function rejection (fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected the call to fail')
}

t.test('the token goes out as Authorization: Bearer on every call', async (t) => {
  const { baseUrl, seen } = await fakeSesame(t, (res, { url }) => {
    if (url.endsWith('/login')) json(res, 200, { code: 1, message: 'logon successful', nickname: null, token: 'tok.en', expires_in: 60 })
    else json(res, 200, { code: 1, message: 'ok', sessions: [] })
  })
  const client = createSesameClient({ baseUrl: `${baseUrl}/api/` })
  await client.login({ phone_number: '+15550000001', password: 'long enough' })
  await client.listSessions()
  await client.endSession('a/b c')

  t.same(seen.map((s) => `${s.method} ${s.url}`), ['POST /api/login', 'GET /api/sessions', 'DELETE /api/sessions/a%2Fb%20c'])
  t.equal(seen[0]?.headers.authorization, undefined, 'no token before login')
  t.equal(seen[0]?.headers['content-type'], 'application/json')
  t.same(JSON.parse(seen[0]?.body ?? ''), { phone_number: '+15550000001', password: 'long enough' })
  t.equal(seen[1]?.headers.authorization, 'Bearer tok.en')
  t.equal(seen[1]?.headers['content-type'], undefined, 'no body, no content type (Fastify refuses an empty JSON body)')
  t.equal(seen[2]?.headers.authorization, 'Bearer tok.en')
})

t.test('an async storage adapter keeps the token', async (t) => {
  const { baseUrl, seen } = await fakeSesame(t, (res, { url }) => {
    if (url === '/login') json(res, 200, { code: 1, message: 'logon successful', nickname: null, token: 'secure', expires_in: 60 })
    else json(res, 200, { code: 1, message: 'logout successful' })
  })
  const vault = new Map<string, string>()
  const calls: string[] = []
  const secureStore: TokenStorage = {
    get: async () => { calls.push('get'); return vault.get('sesame') ?? null },
    set: async (token) => { calls.push('set'); vault.set('sesame', token) },
    clear: async () => { calls.push('clear'); vault.delete('sesame') }
  }
  const client = createSesameClient({ baseUrl, storage: secureStore })
  await client.login({ phone_number: '+15550000001', password: 'long enough' })
  t.equal(vault.get('sesame'), 'secure')
  await client.logout()
  t.equal(seen[1]?.headers.authorization, 'Bearer secure')
  t.equal(vault.size, 0)
  t.same(calls, ['get', 'set', 'get', 'clear'])
})

t.test('Retry-After becomes retryAfter', async (t) => {
  const { baseUrl } = await fakeSesame(t, (res) =>
    json(res, 429, { code: 0, error: 'rate_limited', message: 'too many attempts' }, { 'retry-after': '42' }))
  const err = await rejection(() => createSesameClient({ baseUrl }).login({ phone_number: '+15550000001', password: 'x' }))
  t.type(err, SesameError)
  t.match(err, { code: 0, error: 'rate_limited', status: 429, retryAfter: 42 })
})

t.test('a 503 from /ready carries the checks', async (t) => {
  const { baseUrl } = await fakeSesame(t, (res) =>
    json(res, 503, { code: 0, error: 'service_unavailable', message: 'down', checks: { mysql: 'down', redis: 'ok' } }))
  const err = await rejection(() => createSesameClient({ baseUrl }).ready())
  t.match(err, { status: 503, error: 'service_unavailable', body: { checks: { mysql: 'down', redis: 'ok' } } })
})

t.test('timeouts', async (t) => {
  const { baseUrl } = await fakeSesame(t, never)
  const client = createSesameClient({ baseUrl, timeoutMs: 150 })

  let started = Date.now()
  const err = await rejection(() => client.info())
  t.type(err, SesameNetworkError)
  t.match(err, { name: 'SesameNetworkError', reason: 'timeout', message: /GET \/: no answer within 150 ms/ })
  t.ok(Date.now() - started < 2000, 'the client default applies')

  started = Date.now()
  t.match(await rejection(() => client.info({ timeoutMs: 50 })), { reason: 'timeout', message: /within 50 ms/ })
  t.ok(Date.now() - started < 1000, 'a per-call timeout overrides it')
})

t.test('a body that stalls after the head times out too', async (t) => {
  const { baseUrl } = await fakeSesame(t, (res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"code":1,')
  })
  const err = await rejection(() => createSesameClient({ baseUrl, timeoutMs: 150 }).health())
  t.match(err, { name: 'SesameNetworkError', reason: 'timeout' })
})

t.test('AbortSignal', async (t) => {
  const { baseUrl, seen } = await fakeSesame(t, never)
  const client = createSesameClient({ baseUrl })

  const controller = new AbortController()
  const pending = rejection(() => client.getUser({ signal: controller.signal }))
  setTimeout(() => controller.abort(), 50)
  const err = await pending
  t.type(err, SesameAbortError)
  t.match(err, { name: 'AbortError' })
  t.notOk(err instanceof SesameNetworkError, 'an abort is not a network failure')

  const count = seen.length
  t.match(await rejection(() => client.getUser({ signal: AbortSignal.abort() })), { name: 'AbortError' })
  t.equal(seen.length, count, 'an aborted signal sends nothing')
})

t.test('a refused connection is a network failure', async (t) => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as AddressInfo
  await new Promise((resolve) => closed.close(resolve))

  const refused = await rejection(() => createSesameClient({ baseUrl: `http://127.0.0.1:${port}` }).health())
  t.type(refused, SesameNetworkError)
  t.match(refused, { reason: 'network', status: undefined, message: /^GET \/health: / })
})

t.test('an answer that is not the envelope', async (t) => {
  const { baseUrl } = await fakeSesame(t, (res, { url }) => {
    if (url.startsWith('/proxy')) res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>')
    else json(res, 500, { oops: true })
  })
  const html = await rejection(() => createSesameClient({ baseUrl: `${baseUrl}/proxy` }).health())
  t.type(html, SesameNetworkError)
  t.match(html, { reason: 'invalid_response', status: 502, message: /HTTP 502 without a JSON body/ })
  const other = await rejection(() => createSesameClient({ baseUrl }).health())
  t.match(other, { reason: 'invalid_response', status: 500, message: /not a Sesame envelope/ })
})

t.test('memoryStorage', async (t) => {
  const storage = memoryStorage('start')
  t.equal(storage.get(), 'start')
  await storage.set('next')
  t.equal(storage.get(), 'next')
  await storage.clear()
  t.equal(storage.get(), null)
})
