// Property tests: generated hostile bodies at every route that takes one (SPEC §2 input rules, §5).
// Every reply is the envelope, never a 5xx, and a rejected request changes no row and no Redis key.
import assert from 'node:assert/strict'
import t from 'tap'
import fc from 'fast-check'
import type { RowDataPacket } from 'mysql2'
import { build, logIn, newPhone, PASSWORD, registerUser } from './support/helper.js'
import {
  BODY_LIMIT, BODY_ROUTES, deepJson, deepText, Guard, hostileString, JSON_HEADERS, property, protoJsonText,
  ROUTES, snapshot, tokenHeaders, wrongType, type RouteSpec
} from './support/hostile.js'

// Hostile logins must not lock the known users out: this file is about input, rate-limits.test.ts about limits.
const app = await build(t, { LOGIN_MAX_FAILURES: '1000000', MAX_SESSIONS_PER_USER: '100' })
const victim = await registerUser(app, newPhone(), PASSWORD, 'Victim')
const token = await logIn(app, victim.phone)
await logIn(app, victim.phone) // a second device, which a wrongly accepted password change or logout would end
const bystander = await registerUser(app, newPhone(), PASSWORD, 'Bystander')
const guard = new Guard(app)
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort()

const bystanderRow = async () => {
  const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT * FROM user WHERE id = ?', [bystander.user.id])
  return JSON.stringify(rows)
}
const bystanderBefore = await bystanderRow()

const storedNickname = async (id: number) => {
  const [rows] = await app.mysql.query<RowDataPacket[]>('SELECT nickname FROM user WHERE id = ?', [id])
  return (rows[0]?.nickname ?? null) as string | null
}

function assertNotPolluted () {
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype.polluted')
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype keys')
}

/** Valid values, with a fresh number for /register (so it can succeed) and a known user's for /login. */
function validFields (route: RouteSpec): Record<string, string> {
  if (route.url === '/register') return { ...route.fields, phone_number: newPhone() }
  if (route.url === '/login') return { ...route.fields, phone_number: bystander.phone }
  return { ...route.fields }
}

const SQL_NICKNAMES = ["'); DROP TABLE user; --", "' OR 1=1 --", 'a\u0000b', "Robert'); DROP TABLE user;--", '\\\'"`%_;', '小明 🚀 \'--']

const send = (route: RouteSpec, payload: string | Buffer, headers: Record<string, string> = JSON_HEADERS, bearer = false) =>
  guard.send({ method: route.method, url: route.url, payload, headers: { ...headers, ...(route.auth ? tokenHeaders(token, bearer) : {}) } })

/** Routes without a body schema are sent bodies with a garbage token only: with the real one, POST /logout would succeed. */
const garbageTokenRoutes = ROUTES.filter((route) => route.auth && route.fields === undefined)

t.test('random JSON values as the body of every route', async (t) => {
  const arbitrary = fc.record({
    route: fc.constantFrom(...ROUTES),
    body: fc.jsonValue(),
    bearer: fc.boolean()
  })
  await property(t, 'envelope, no 5xx, rejected requests change nothing', arbitrary, async ({ route, body, bearer }) => {
    const text = JSON.stringify(body)
    if (route.auth && route.fields === undefined) {
      const { res } = await guard.send({ method: route.method, url: route.url, payload: text, headers: { ...JSON_HEADERS, token: 'garbage' } })
      assert.equal(res.statusCode >= 400, true)
    } else {
      await send(route, text, JSON_HEADERS, bearer)
    }
  }, 150)
})

t.test('a field of the wrong type is a 400 validation_failed, never coerced', async (t) => {
  const arbitrary = fc.constantFrom(...BODY_ROUTES).chain((route) => {
    const names = Object.keys(route.fields ?? {})
    const choice = fc.oneof(fc.constant<'valid' | 'missing'>('valid'), fc.constant<'valid' | 'missing'>('missing'), wrongType)
    return fc.record({
      route: fc.constant(route),
      names: fc.constant(names),
      choices: fc.array(choice, { minLength: names.length, maxLength: names.length }),
      forced: fc.nat({ max: names.length - 1 }),
      forcedValue: wrongType
    })
  })
  await property(t, 'wrong types', arbitrary, async ({ route, names, choices, forced, forcedValue }) => {
    const valid = validFields(route)
    const body: Record<string, unknown> = {}
    names.forEach((name, i) => {
      const choice = i === forced ? forcedValue : choices[i]
      if (choice === 'valid') body[name] = valid[name]
      else if (choice !== 'missing') body[name] = choice
    })
    const { res, body: reply } = await send(route, JSON.stringify(body))
    assert.equal(res.statusCode, 400, JSON.stringify(body))
    assert.equal(reply.error, 'validation_failed')
  }, 100)
})

t.test('SQL metacharacters, NUL bytes, lone surrogates and any Unicode in every string field', async (t) => {
  const arbitrary = fc.constantFrom(...BODY_ROUTES).chain((route) => fc.record({
    route: fc.constant(route),
    values: fc.record(Object.fromEntries(Object.keys(route.fields ?? {}).map((name) => [name, fc.option(hostileString, { freq: 3 })]))),
    bearer: fc.boolean()
  }))
  await property(t, 'hostile strings', arbitrary, async ({ route, values, bearer }) => {
    const body: Record<string, string> = validFields(route)
    for (const [name, value] of Object.entries(values)) if (value !== null) body[name] = value
    // A hostile login always carries a hostile password, so it must never succeed.
    if (route.url === '/login') body.password = values.password ?? "' OR 1=1 --"
    const { res, body: reply } = await send(route, JSON.stringify(body), JSON_HEADERS, bearer)
    if (route.url === '/login' || route.url === '/user/password') assert.ok(res.statusCode >= 400, `${route.url} must not succeed`)
    if (res.statusCode >= 400 || reply.user === undefined) return // only /register and PATCH /user answer a user
    // Whatever got in is stored and returned verbatim (trimmed), and the password works as given.
    const nickname = body.nickname?.trim() ?? null
    const user = reply.user as { id: number, nickname: string | null }
    assert.equal(user.nickname, nickname)
    assert.equal(await storedNickname(user.id), nickname)
    if (route.url === '/register') {
      const login = await guard.send({ method: 'POST', url: '/login', payload: { phone_number: body.phone_number, password: body.password } })
      assert.equal(login.res.statusCode, 200, 'the new user logs in with the password as given')
    }
  }, 150)
})

t.test('nicknames with SQL metacharacters and any Unicode are stored and returned verbatim', async (t) => {
  const nickname = fc.oneof(fc.constantFrom(...SQL_NICKNAMES), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }))
    // SPEC §2 refuses control and bidi-override characters and invisible-only names (test/unit/input.test.ts).
    .filter((value) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u.test(value) && !/^[\s\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u.test(value)) // eslint-disable-line no-control-regex
    .filter((value) => value.trim() !== '' && [...new Intl.Segmenter().segment(value.trim())].length <= 30)
  await property(t, 'verbatim nicknames', fc.record({ nickname, bearer: fc.boolean() }), async ({ nickname, bearer }) => {
    const patch = await guard.send({ method: 'PATCH', url: '/user', payload: { nickname }, headers: tokenHeaders(token, bearer) })
    assert.equal(patch.res.statusCode, 200)
    const expected = nickname.trim()
    assert.equal((patch.body.user as { nickname: string }).nickname, expected)
    const read = await guard.send({ method: 'GET', url: '/user', headers: tokenHeaders(token, bearer) })
    assert.equal(read.body.nickname, expected, 'GET /user (the Redis cache)')
    assert.equal(await storedNickname(victim.user.id), expected, 'the MySQL row')
  }, 60)
})

t.test('deep nesting: up to the body limit it is parsed and refused, beyond it 413', async (t) => {
  const routes = [...BODY_ROUTES, ...garbageTokenRoutes.filter((route) => route.method !== 'GET')]
  await property(t, 'deep nesting', fc.record({ route: fc.constantFrom(...routes), deep: deepJson, bearer: fc.boolean() }), async ({ route, deep, bearer }) => {
    const nested = deepText(deep)
    const fields = validFields(route)
    const [first = 'x'] = Object.keys(fields)
    const text = deep.placement === 'body'
      ? nested
      : `{"${deep.placement === 'field' ? first : 'extra'}":${nested}${Object.entries(fields).filter(([name]) => deep.placement !== 'field' || name !== first).map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('')}}`
    const headers = route.fields === undefined ? { ...JSON_HEADERS, token: 'garbage' } : JSON_HEADERS
    const { res, body } = route.fields === undefined
      ? await guard.send({ method: route.method, url: route.url, payload: text, headers })
      : await send(route, text, headers, bearer)
    if (Buffer.byteLength(text) > BODY_LIMIT) {
      assert.equal(res.statusCode, 413)
      assert.equal(body.error, 'payload_too_large')
    } else if (deep.core.includes('polluted')) {
      assert.equal(res.statusCode, 400, 'a __proto__ or constructor.prototype key is refused')
      assert.equal(body.error, 'invalid_json')
    }
    assertNotPolluted()
  }, 60)
})

t.test('__proto__, constructor and prototype keys, duplicated and nested, pollute nothing', async (t) => {
  const routes = [...BODY_ROUTES, ...garbageTokenRoutes.filter((route) => route.method !== 'GET')]
  await property(t, 'no prototype pollution', fc.record({ route: fc.constantFrom(...routes), text: protoJsonText }), async ({ route, text }) => {
    if (route.fields === undefined) await guard.send({ method: route.method, url: route.url, payload: text, headers: { ...JSON_HEADERS, token: 'garbage' } })
    else await send(route, text)
    assertNotPolluted()
  }, 120)
  // The fixed cases the issue names, at the top level and inside a field.
  for (const text of ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
    `{"phone_number":"${bystander.phone}","password":"x","nickname":{"__proto__":{"polluted":1}}}`]) {
    for (const route of BODY_ROUTES) {
      const { res } = await send(route, text)
      t.equal(res.statusCode, 400, `${route.method} ${route.url} ${text}`)
    }
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched')
  const user = await guard.send({ method: 'GET', url: '/user', headers: { token } })
  t.equal(user.body.id, victim.user.id, 'the app still answers normally')
})

t.test('invalid UTF-8 bytes in a JSON body', async (t) => {
  const invalid = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 48 }),
    fc.constantFrom([0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x9a])
      .map((bytes) => Uint8Array.from(bytes))
  )
  const arbitrary = fc.constantFrom(...BODY_ROUTES).chain((route) => fc.record({
    route: fc.constant(route),
    bytes: invalid,
    raw: fc.boolean(),
    field: fc.constantFrom(...Object.keys(route.fields ?? {}))
  }))
  await property(t, 'invalid UTF-8', arbitrary, async ({ route, bytes, raw, field }) => {
    let payload = Buffer.from(bytes)
    if (!raw) {
      const fields = validFields(route)
      const rest = Object.entries(fields).filter(([name]) => name !== field).map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('')
      payload = Buffer.concat([Buffer.from(`{"${field}":"`), payload, Buffer.from(`x"${rest}}`)])
    }
    const { res } = await send(route, payload)
    if (route.url === '/login' || route.url === '/user/password') assert.ok(res.statusCode >= 400 || field !== 'password', 'a mangled password never logs in')
  }, 100)
})

t.test('bodies over 16 KiB get 413 before anything else happens, even with a valid token', async (t) => {
  const routes = [...BODY_ROUTES, ...ROUTES.filter((route) => route.method === 'POST' && route.fields === undefined)]
  const arbitrary = fc.record({
    route: fc.constantFrom(...routes),
    size: fc.oneof(fc.constant(100 * 1024), fc.integer({ min: 15_000, max: 18_000 }), fc.integer({ min: 16_385, max: 200_000 })),
    char: fc.constantFrom('a', 'é', '🚀', '\u0000', "'"),
    bearer: fc.boolean()
  })
  await property(t, 'body limit', arbitrary, async ({ route, size, char, bearer }) => {
    const fields = validFields(route)
    const [field = 'padding'] = Object.keys(fields)
    // Without a body schema the body is ignored, so only an oversized one is safe to send with the real token.
    const bytes = route.fields === undefined ? Math.max(size, BODY_LIMIT + 1) : size
    const text = JSON.stringify({ ...fields, [field]: char.repeat(Math.ceil(bytes / (Buffer.byteLength(JSON.stringify(char)) - 2))) })
    const headers = { ...JSON_HEADERS, ...(route.auth ? tokenHeaders(token, bearer) : {}) }
    const { res, body } = await guard.send({ method: route.method, url: route.url, payload: text, headers })
    const tooLarge = Buffer.byteLength(text) > BODY_LIMIT
    assert.ok(tooLarge || route.fields !== undefined, 'the real token only goes with an oversized body')
    assert.equal(res.statusCode === 413, tooLarge, `${Buffer.byteLength(text)} bytes → ${res.statusCode}`)
    if (tooLarge) assert.equal(body.error, 'payload_too_large')
  }, 50)
  const still = await guard.send({ method: 'GET', url: '/user', headers: { token } })
  t.equal(still.res.statusCode, 200, 'an oversized POST /logout did not log the token out')
})

const NOT_JSON = ['text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/octet-stream', 'application/vnd.api+json', 'application/jsonp', 'image/png', 'text/json']

t.test('unexpected content types', async (t) => {
  const contentType = fc.oneof(
    fc.constantFrom(...NOT_JSON),
    fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;;',
      'application/json; boundary=x', ' application/json', 'application/*', '*/*', ';', '', 'json', 'application/json\u0000'),
    fc.string({ unit: 'binary', maxLength: 40 })
  )
  const routes = [...BODY_ROUTES, ...garbageTokenRoutes.filter((route) => route.method !== 'GET')]
  const arbitrary = fc.record({ route: fc.constantFrom(...routes), contentType, raw: fc.option(fc.string({ maxLength: 60 })) })
  await property(t, 'content types', arbitrary, async ({ route, contentType, raw }) => {
    const payload = raw ?? JSON.stringify(validFields(route))
    const headers = { 'content-type': contentType, ...(route.fields === undefined ? { token: 'garbage' } : {}) }
    const { res, body } = route.fields === undefined
      ? await guard.send({ method: route.method, url: route.url, payload, headers })
      : await send(route, payload, headers)
    if (NOT_JSON.includes(contentType) && payload !== '') {
      assert.equal(res.statusCode, 415, contentType)
      assert.equal(body.error, 'unsupported_media_type')
    }
  }, 100)
})

t.test('duplicate JSON keys: the last one wins, as in JSON.parse', async (t) => {
  const owner = await registerUser(app, newPhone(), 'the owner\'s own password')
  guard.forget()
  const arbitrary = fc.record({
    passwords: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    phones: fc.array(fc.constantFrom<'right' | 'number' | 'other'>('right', 'number', 'other'), { minLength: 1, maxLength: 3 })
  })
  await property(t, 'duplicate keys', arbitrary, async ({ passwords, phones }) => {
    const phoneText = { right: JSON.stringify(owner.phone), number: '15550001234', other: JSON.stringify(bystander.phone) }
    const text = `{${[
      ...phones.map((phone) => `"phone_number":${phoneText[phone]}`),
      ...passwords.map((right) => `"password":${JSON.stringify(right ? owner.password : 'wrong password')}`)
    ].join(',')}}`
    const { res } = await guard.send({ method: 'POST', url: '/login', payload: text, headers: JSON_HEADERS })
    const lastPhone = phones.at(-1)
    const expected = lastPhone === 'number' ? 400 : lastPhone === 'right' && passwords.at(-1) === true ? 200 : 401
    assert.equal(res.statusCode, expected, text)
  }, 25)
})

t.test('afterwards the user table is intact and the known users still log in', async (t) => {
  const [tables] = await app.mysql.query<RowDataPacket[]>("SHOW TABLES LIKE 'user'")
  t.equal(tables.length, 1, 'the user table is still there')
  t.equal(await bystanderRow(), bystanderBefore, "the bystander's row is byte for byte what it was")
  t.ok(await logIn(app, bystander.phone), 'the bystander logs in with their password')
  t.ok(await logIn(app, victim.phone), 'the victim logs in with their password')
  const { redis } = await snapshot(app)
  t.ok(Object.keys(redis).some((key) => key.includes(`{u${victim.user.id}}`)), "the victim's sessions are still in Redis")
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})
