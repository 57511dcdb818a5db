import t from 'tap'
import { build } from '../support/helper.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('x-request-id is honoured when sane, else a UUID; echoed on the reply and in every log line', async (t) => {
  const lines: string[] = []
  const app = await build(t, { LOG_LEVEL: 'info' }, { logger: undefined, logStream: { write: (line) => { lines.push(line) } } })

  const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'lb-7f3a.2:9_x' } })
  t.equal(given.headers['x-request-id'], 'lb-7f3a.2:9_x')
  const failed = await app.inject({ method: 'POST', url: '/login', headers: { 'x-request-id': 'trace-42' }, payload: {} })
  t.equal(failed.statusCode, 400)
  t.equal(failed.headers['x-request-id'], 'trace-42')
  const traced = lines.map((line) => JSON.parse(line) as { reqId?: string }).filter((entry) => entry.reqId === 'trace-42')
  t.ok(traced.length >= 2, 'the request, its failure and its response are all logged with the id')

  for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', '']) {
    const res = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': bad } })
    t.match(res.headers['x-request-id'], UUID, JSON.stringify(bad.slice(0, 10)))
  }
  const a = await app.inject({ method: 'GET', url: '/health' })
  const b = await app.inject({ method: 'GET', url: '/health' })
  t.match(a.headers['x-request-id'], UUID)
  t.not(a.headers['x-request-id'], b.headers['x-request-id'])
})

t.test('DOCS_ENABLED=false removes /docs', async (t) => {
  const off = await build(t, { DOCS_ENABLED: 'false' })
  t.equal((await off.inject({ method: 'GET', url: '/docs/json' })).statusCode, 404)
  t.equal((await off.inject({ method: 'GET', url: '/docs' })).statusCode, 404)
  const on = await build(t)
  t.equal((await on.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200)
})
