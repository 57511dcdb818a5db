// Property tests over a real socket: what `inject` cannot send — raw header bytes (NUL, CR, non-ASCII,
// over 16 KiB), broken request lines — is refused by Node's HTTP parser, and the reply is still the envelope.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import t from 'tap'
import fc from 'fast-check'
import { build, logIn, newPhone, PASSWORD, registerUser } from './support/helper.js'
import { property, snapshot } from './support/hostile.js'

const app = await build(t, { LOGIN_MAX_FAILURES: '1000000' })
const victim = await registerUser(app, newPhone(), PASSWORD, 'Victim')
const token = await logIn(app, victim.phone)
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }

/**
 * Writes `request` as is and returns what came back before the server closed the connection (every
 * request says `Connection: close`). No half-close: Node aborts a request whose client has sent FIN.
 */
function rawRequest (request: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(3000, () => socket.destroy()) // a request the parser still waits on gets no answer
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {}) // the server may reset the connection after its answer
    socket.on('close', () => resolve(Buffer.concat(chunks)))
    socket.write(request)
  })
}

/** The first response on the connection: its status and, if it has one, its body as the envelope. */
function firstResponse (raw: Buffer) {
  const text = raw.toString('latin1')
  const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(text)?.[1] ?? NaN)
  const headEnd = text.indexOf('\r\n\r\n')
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? NaN)
  const body = raw.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8')
  return { text, status, head: text.slice(0, headEnd), body }
}

function assertRawEnvelope (raw: Buffer, what: string) {
  assert.ok(raw.length > 0, `an answer, not a hang or a silent close: ${what}`)
  const { text, status, head, body } = firstResponse(raw)
  const shown = `${what} → ${text.slice(0, 300)}`
  assert.ok(status >= 200 && status < 500, `a status below 500: ${shown}`)
  assert.match(head, /\r\ncontent-type: application\/json/i, `JSON: ${shown}`)
  const parsed = JSON.parse(body) as Record<string, unknown>
  if (status >= 400) {
    assert.deepEqual(Object.keys(parsed).sort(), ['code', 'error', 'message'], `the envelope: ${shown}`)
    assert.ok(parsed.code === 0 || parsed.code === 2, shown)
  } else {
    assert.equal(parsed.code, 1, shown)
  }
  return { status, parsed }
}

const request = (lines: Array<string | Buffer>) =>
  Buffer.concat([...lines.map((line) => Buffer.concat([typeof line === 'string' ? Buffer.from(line, 'latin1') : line, Buffer.from('\r\n')])), Buffer.from('\r\n')])

const before = await snapshot(app)

t.test('raw token header bytes: non-ASCII, NUL, CR, LF, up to and past 16 KiB', async (t) => {
  const value = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => Buffer.from(s, 'utf8')),
    fc.record({ char: fc.constantFrom('a', 'é', '\u0000', '.'), n: fc.integer({ min: 1000, max: 24_000 }) })
      .map(({ char, n }) => Buffer.from(char.repeat(n), 'utf8'))
  )
  const arbitrary = fc.record({
    url: fc.constantFrom('/user', '/sessions', '/logout', '/logout/all', '/'),
    method: fc.constantFrom('GET', 'POST'),
    header: fc.constantFrom('token: ', 'Authorization: Bearer ', 'Authorization: ', 'User-Agent: '),
    value
  })
  await property(t, 'raw header bytes', arbitrary, async ({ url, method, header, value }) => {
    const raw = await rawRequest(request([`${method} ${url} HTTP/1.1`, 'Host: localhost', Buffer.concat([Buffer.from(header), value]), 'Connection: close']))
    const what = `${method} ${url} ${header}${JSON.stringify(value.toString('latin1').slice(0, 60))} (${value.length} bytes)`
    const result = assertRawEnvelope(raw, what)
    if (result === undefined) return
    // Node refuses a control byte (400) as it reads it, before it counts the header's size (431).
    if (value.length > 17_000) assert.equal(result.status, value.some((byte) => byte < 0x20 && byte !== 0x09) ? 400 : 431, `headers over 16 KiB: ${what}`)
    if (url !== '/' && result.status < 400) assert.fail(`a hostile ${header.trim()} header must not authenticate: ${what}`)
  }, 120)
})

t.test('broken request lines and framing', async (t) => {
  const line = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom('GARBAGE', 'FOO / HTTP/1.1', 'GET /user HTTP/9.9', 'GET  HTTP/1.1', 'GET /user\u0000 HTTP/1.1', 'GET /%zz HTTP/1.1',
      `GET /${'a'.repeat(20_000)} HTTP/1.1`, 'GET http://evil.example/user HTTP/1.1', 'GET * HTTP/1.1', 'PRI * HTTP/2.0')
  )
  const framing = fc.constantFrom([], ['Content-Length: abc'], ['Content-Length: 2', 'Content-Length: 3'], ['Transfer-Encoding: chunked', 'Content-Length: 2'],
    ['Transfer-Encoding: zip'], ['Content-Type: application/json', 'Content-Length: -1'], ['Host: a', 'Host: b'], ['X: a\rb'], [' folded: header'])
  await property(t, 'request lines', fc.record({ line, framing }), async ({ line, framing }) => {
    const raw = await rawRequest(request([line, 'Host: localhost', ...framing, 'Connection: close']))
    assertRawEnvelope(raw, `${JSON.stringify(line.toString('latin1').slice(0, 60))} ${framing.join(' | ')}`)
  }, 80)
})

t.test('a non-ASCII token over the wire is simply not valid, and the real one still works', async (t) => {
  const raw = await rawRequest(request(['GET /user HTTP/1.1', 'Host: localhost', Buffer.from('token: тест🚀', 'utf8'), 'Connection: close']))
  const result = assertRawEnvelope(raw, 'utf-8 token')
  t.equal(result?.status, 401)
  t.match(result?.parsed, { code: 2, error: 'token_invalid' })
  const ok = await rawRequest(request(['GET /user HTTP/1.1', 'Host: localhost', `Authorization: Bearer ${token}`, 'Connection: close']))
  t.match(assertRawEnvelope(ok, 'real token')?.parsed, { code: 1, nickname: 'Victim' })
  t.same(await snapshot(app), before, 'no row or key changed (the GET above creates nothing)')
})
