import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { build, newPhone, PASSWORD } from './support/helper.js'
import type { RawEnv } from '../src/config/env.js'
import { startGateway } from './support/sms-helper.js'
import { phoneKeys } from '../src/redis/keys.js'
import { createSesameClient, SesameError, type SesameClientOptions, type TokenStorage } from '../client/src/index.js'

/** A real Sesame on this file's MariaDB and Redis, listening on a free port. */
async function serve (t: Test, env: RawEnv = {}) {
  const app = await build(t, env)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { app, baseUrl: `http://127.0.0.1:${port}` }
}

/** A client that records its onUnauthorized calls. */
function recordingClient (baseUrl: string, options: Partial<SesameClientOptions> = {}) {
  const unauthorized: SesameError[] = []
  const client = createSesameClient({ baseUrl, onUnauthorized: (err) => { unauthorized.push(err) }, ...options })
  return { client, unauthorized }
}

/** Runs `fn` and returns the SesameError it throws. */
async function failure (t: Test, fn: () => Promise<unknown>): Promise<SesameError> {
  try {
    await fn()
  } catch (err) {
    t.type(err, SesameError)
    return err as SesameError
  }
  throw new Error('expected a SesameError')
}

t.test('register, login, user, nickname, sessions, logout', async (t) => {
  const { baseUrl } = await serve(t)
  const { client, unauthorized } = recordingClient(baseUrl)
  const phone = newPhone()

  const registered = await client.register({ phone_number: phone, password: PASSWORD, nickname: '小明 🚀' })
  t.match(registered, { code: 1, user: { phone_number: phone, nickname: '小明 🚀' } })
  t.equal(typeof registered.user.id, 'number')
  t.equal(await client.getToken(), null, 'registering does not log in')

  const login = await client.login({ phone_number: phone, password: PASSWORD })
  t.match(login, { code: 1, message: 'logon successful', nickname: '小明 🚀' })
  t.ok(login.expires_in > 0)
  t.equal(await client.getToken(), login.token, 'the token is stored')

  const me = await client.getUser()
  t.same(me, { code: 1, message: 'ok', ...registered.user })

  const renamed = await client.updateUser({ nickname: '  Ada  ' })
  t.equal(renamed.user.nickname, 'Ada')
  t.equal((await client.getUser()).nickname, 'Ada')
  t.equal((await client.updateUser({ nickname: null })).user.nickname, null)

  const { sessions } = await client.listSessions()
  t.equal(sessions.length, 1)
  t.match(sessions[0], { current: true, user_agent: String })

  t.match(await client.logout(), { code: 1 })
  t.equal(await client.getToken(), null, 'logout forgets the token')
  const err = await failure(t, () => client.getUser())
  t.match(err, { code: 0, error: 'token_required', status: 401 })
  t.same(unauthorized, [], 'a missing token is not a lost session')
})

t.test('code 2: the token is cleared and onUnauthorized is called once', async (t) => {
  const { baseUrl } = await serve(t)
  const phone = newPhone()
  const phoneA = recordingClient(baseUrl)
  const phoneB = recordingClient(baseUrl)
  await phoneA.client.register({ phone_number: phone, password: PASSWORD })
  await phoneA.client.login({ phone_number: phone, password: PASSWORD })
  // MAX_SESSIONS_PER_USER is 1: logging in on another phone logs the first one out.
  await phoneB.client.login({ phone_number: phone, password: PASSWORD })

  const [first, second] = await Promise.all([
    failure(t, () => phoneA.client.getUser()),
    failure(t, () => phoneA.client.listSessions())
  ])
  for (const err of [first, second]) t.match(err, { code: 2, error: 'token_invalid', status: 401, retryAfter: undefined })
  t.equal(await phoneA.client.getToken(), null, 'the dead token is gone')
  t.equal(phoneA.unauthorized.length, 1, 'two calls lost the same session: one callback')
  t.equal(phoneA.unauthorized[0]?.error, 'token_invalid')
  t.same(phoneB.unauthorized, [])
  t.match(await phoneB.client.getUser(), { code: 1, phone_number: phone })

  t.match(await phoneA.client.login({ phone_number: phone, password: PASSWORD }), { code: 1 }, 'logging in again works')
})

t.test('a stale code 2 does not wipe the token of a newer login', async (t) => {
  const { baseUrl } = await serve(t)
  const phone = newPhone()
  let release = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  let token: string | null = 'not-a-live-token'
  const storage: TokenStorage = {
    get: () => token,
    set: (value) => { token = value },
    clear: () => { token = null }
  }
  const slowFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (String(input).endsWith('/user')) await gate
    return response
  }
  const { client, unauthorized } = recordingClient(baseUrl, { storage, fetch: slowFetch })
  const stale = failure(t, () => client.getUser())
  await client.register({ phone_number: phone, password: PASSWORD })
  const { token: fresh } = await client.login({ phone_number: phone, password: PASSWORD })
  release()
  t.match(await stale, { code: 2 })
  t.equal(token, fresh, 'the newer token survives')
  t.same(unauthorized, [])
})

t.test('password change, ending one session, logging out everywhere', async (t) => {
  const { baseUrl } = await serve(t, { MAX_SESSIONS_PER_USER: '3' })
  const phone = newPhone()
  const laptop = recordingClient(baseUrl)
  const tablet = recordingClient(baseUrl)
  const watch = recordingClient(baseUrl)
  await laptop.client.register({ phone_number: phone, password: PASSWORD })
  for (const device of [laptop, tablet, watch]) await device.client.login({ phone_number: phone, password: PASSWORD })

  const { sessions } = await laptop.client.listSessions()
  t.equal(sessions.length, 3)
  t.equal(sessions.filter((s) => s.current).length, 1)
  const tabletSession = (await tablet.client.listSessions()).sessions.find((s) => s.current)
  if (tabletSession === undefined) throw new Error('no current session')
  t.match(await laptop.client.endSession(tabletSession.id), { code: 1 })
  t.match(await failure(t, () => tablet.client.getUser()), { code: 2 })
  t.equal(tablet.unauthorized.length, 1)
  t.match(await failure(t, () => laptop.client.endSession(tabletSession.id)), { code: 0, error: 'not_found', status: 404 })

  t.match(await failure(t, () => laptop.client.changePassword({ old_password: 'not the password', new_password: 'a new password' })),
    { code: 0, error: 'wrong_password', status: 403 })
  t.match(await laptop.client.changePassword({ old_password: PASSWORD, new_password: 'a new password' }), { code: 1 })
  t.match(await failure(t, () => watch.client.getUser()), { code: 2 }, 'other sessions end with a password change')
  t.match(await laptop.client.getUser(), { code: 1 }, 'this one stays')

  await watch.client.login({ phone_number: phone, password: 'a new password' })
  t.match(await laptop.client.logoutAll(), { code: 1, revoked: 2 })
  t.equal(await laptop.client.getToken(), null)
  t.match(await failure(t, () => watch.client.getUser()), { code: 2 })
})

t.test('failures are typed SesameErrors', async (t) => {
  const { baseUrl } = await serve(t)
  const { client } = recordingClient(baseUrl)
  const phone = newPhone()
  await client.register({ phone_number: phone, password: PASSWORD })

  const taken = await failure(t, () => client.register({ phone_number: phone, password: PASSWORD }))
  t.match(taken, { code: 0, error: 'phone_taken', status: 409, message: String, name: 'SesameError' })
  t.match(await failure(t, () => client.login({ phone_number: phone, password: 'wrong password' })),
    { code: 0, error: 'invalid_credentials', status: 401 })
  t.match(await failure(t, () => client.register({ phone_number: newPhone(), password: 'short' })),
    { code: 0, error: 'validation_failed', status: 400 })
  t.equal(await client.getToken(), null)
})

t.test('service routes', async (t) => {
  const { baseUrl } = await serve(t)
  const { client } = recordingClient(baseUrl)
  t.match(await client.info(), { code: 1, name: 'sesame', version: String })
  t.match(await client.health(), { code: 1, message: 'ok' })
  t.match(await client.ready(), { code: 1, checks: { mysql: 'ok', redis: 'ok' } })
})

t.test('SMS code and password reset (SPEC §9)', async (t) => {
  const { app, baseUrl } = await serve(t)
  const skip = 'POST /sms/code and POST /password/reset are not in this branch yet (another issue adds them)'
  const { client } = recordingClient(baseUrl)
  const phone = newPhone()
  t.test('POST /sms/code', { skip: app.hasRoute({ method: 'POST', url: '/sms/code' }) ? false : skip }, async (t) => {
    const reply = await client.requestSmsCode({ phone_number: phone, purpose: 'register' })
    t.match(reply, { code: 1, retry_after: Number })
    t.match(await failure(t, () => client.requestSmsCode({ phone_number: phone, purpose: 'register' })),
      { code: 0, error: 'rate_limited', status: 429, retryAfter: Number })
  })
  t.test('POST /password/reset', { skip: app.hasRoute({ method: 'POST', url: '/password/reset' }) ? false : skip }, async (t) => {
    await client.register({ phone_number: phone, password: PASSWORD })
    t.match(await failure(t, () => client.resetPassword({ phone_number: phone, sms_code: '000000', new_password: 'a new password' })),
      { code: 0, error: 'sms_code_invalid', status: 400 })
  })
})

t.test('SMS login, phone change, export and deletion (SPEC §10)', async (t) => {
  const gateway = await startGateway(t)
  const { app, baseUrl } = await serve(t, { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: `${gateway.url}/sms`, SMS_LOGIN_REGISTERS: 'true' })
  const { client } = recordingClient(baseUrl)
  const phone = newPhone()
  await client.requestSmsCode({ phone_number: phone, purpose: 'login' })
  await app.smsDelivery.drain()
  const login = await client.loginWithSms({ phone_number: phone, sms_code: gateway.codeFor(phone) })
  t.match(login, { code: 1, registered: true, token: String })
  t.equal(await client.getToken(), login.token, 'the token is stored')

  const { id } = await client.getUser()
  await app.mysql.query('UPDATE user SET password_hash = ? WHERE id = ?', [await app.passwords.hash(PASSWORD), id])
  const target = newPhone()
  await client.requestSmsCode({ phone_number: target, purpose: 'change_phone' })
  await app.smsDelivery.drain()
  const wrong = await failure(t, () => client.changePhone({ new_phone_number: target, sms_code: gateway.codeFor(target), password: 'not the password' }))
  t.match(wrong, { status: 403, error: 'wrong_password' })
  const moved = await client.changePhone({ new_phone_number: target, sms_code: gateway.codeFor(target), password: PASSWORD })
  t.match(moved, { code: 1, user: { id, phone_number: target } })

  const exported = await client.exportData()
  t.match(exported.export, { user: { id, phone_number: target }, sessions: [{ current: true }], events: [] })
  t.notMatch(JSON.stringify(exported), login.token.split('.')[1] ?? 'x', 'no token in the export')

  await app.redis.del(phoneKeys(target).smsCooldown)
  await client.requestSmsCode({ purpose: 'delete_account' })
  await app.smsDelivery.drain()
  t.match(await client.deleteAccount({ sms_code: gateway.codeFor(target) }), { code: 1, message: 'account deleted' })
  t.equal(await client.getToken(), null, 'the token is forgotten')
  const gone = await failure(t, () => client.login({ phone_number: target, password: PASSWORD }))
  t.equal(gone.error, 'invalid_credentials')
})
