// Replies Node's HTTP layer would make itself (no Host, an unknown Expect, a body that never ends) still
// carry the envelope, over a real socket.
import { connect } from 'node:net'
import t from 'tap'
import { build } from './support/helper.js'

const app = await build(t, { REQUEST_TIMEOUT_SECONDS: '2' })
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }

/** Writes `head` (and then `trickle` one byte a second, if given); returns all that came back once the server closed. */
function rawRequest (head: string, trickle = ''): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(8000, () => socket.destroy())
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {})
    let timer: NodeJS.Timeout | undefined
    socket.on('close', () => { clearInterval(timer); resolve(Buffer.concat(chunks).toString('utf8')) })
    socket.write(head)
    let i = 0
    if (trickle !== '') timer = setInterval(() => { if (i < trickle.length && socket.writable) socket.write(trickle[i++] ?? '') }, 1000)
  })
}

function parse (raw: string) {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1] ?? NaN)
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4)
  return { status, body: body === '' ? null : JSON.parse(body) }
}

t.test('no Host header: 400 in the envelope', async (t) => {
  const res = parse(await rawRequest('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'))
  t.equal(res.status, 400)
  t.match(res.body, { code: 0, error: 'validation_failed', message: String })
})

t.test('Expect: foo: 417 in the envelope', async (t) => {
  const res = parse(await rawRequest('GET /health HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n'))
  t.equal(res.status, 417)
  t.match(res.body, { code: 0, error: String, message: String })
})

t.test('a body trickled past REQUEST_TIMEOUT_SECONDS: 408 request_timeout in the envelope', async (t) => {
  const started = Date.now()
  const body = JSON.stringify({ phone_number: '+15550000000', password: 'whatever password' })
  const raw = await rawRequest(`POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body)
  const res = parse(raw)
  t.equal(res.status, 408)
  t.same(res.body, { code: 0, error: 'request_timeout', message: res.body?.message })
  t.ok(Date.now() - started < 7000, 'closed near the timeout')
})
