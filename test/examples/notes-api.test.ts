/*
 * examples/notes-api against a real Sesame on the same private Redis (then on a Redis Cluster): a token
 * from Sesame is accepted by the example, and a logout, a password change, a deletion (the user's own and
 * an admin's) and a ban on Sesame make the example refuse it within SPEC §12's 100 ms, though the
 * example's plugin holds the session in its memory cache.
 */
import t, { type Test } from 'tap'
import { buildNotesApp } from '../../examples/notes-api/src/app.js'
import { build, logIn, registerUser, testCluster, testServices, PASSWORD, type App } from '../support/helper.js'

const ADMIN = 'a'.repeat(40)
const AT_ONCE_MS = 100
type Target = 'redis' | 'cluster'

async function stack (t: Test, target: Target) {
  const redis = target === 'cluster' ? { REDIS_CLUSTER_NODES: (await testCluster()).nodes } : { REDIS_URL: (await testServices()).redisUrl }
  const sesame = await build(t, { ...redis, ADMIN_KEYS: ADMIN, MAX_SESSIONS_PER_USER: '5' })
  const notes = await buildNotesApp({ auth: target === 'cluster' ? { clusterNodes: redis.REDIS_CLUSTER_NODES } : { redisUrl: redis.REDIS_URL } })
  t.teardown(() => notes.close())
  const base = await notes.listen({ host: '127.0.0.1', port: 0 })
  const request = async (token: string | null, method = 'GET', body?: unknown) => {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}/notes`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: await res.json() as Record<string, unknown> }
  }
  return { sesame, notes, request }
}
type Stack = Awaited<ReturnType<typeof stack>>

/** A new user registered and logged in on Sesame, whose token the example has accepted (and so cached). */
async function signedUp (s: Stack) {
  const { phone, user } = await registerUser(s.sesame)
  const token = await logIn(s.sesame, phone)
  for (let i = 0; i < 2; i++) {
    const res = await s.request(token)
    if (res.status !== 200) throw new Error(`the example refused a fresh token: ${res.status}`)
  }
  return { phone, user, token }
}

/** Polls the example until it refuses `token` with 401 token_invalid, for at most AT_ONCE_MS; how long it took. */
async function refusedAfter (s: Stack, token: string): Promise<number | null> {
  const started = performance.now()
  for (;;) {
    const res = await s.request(token)
    const elapsed = performance.now() - started
    if (res.status === 401 && res.body.error === 'token_invalid' && res.body.code === 2) return elapsed
    if (elapsed > AT_ONCE_MS) return null
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

async function expectRefused (t: Test, s: Stack, token: string, what: string) {
  const ms = await refusedAfter(s, token)
  t.not(ms, null, `${what}: the example refuses the token within ${AT_ONCE_MS} ms`)
  if (ms !== null) t.comment(`${what}: refused after ${ms.toFixed(1)} ms`)
}

const asAdmin = (app: App, method: 'POST' | 'DELETE', url: string) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` } })

for (const target of ['redis', 'cluster'] as const) {
  t.test(`on ${target === 'redis' ? 'one Redis' : 'a Redis Cluster'}`, async (t) => {
    const s = await stack(t, target)

    t.test('the example accepts a Sesame token and keeps that user\'s notes; no token or a bad one is a 401', async (t) => {
      const { user, token } = await signedUp(s)
      const other = await signedUp(s)
      const posted = await s.request(token, 'POST', { text: 'buy milk' })
      t.equal(posted.status, 201)
      t.match(posted.body, { note: { id: Number, text: 'buy milk', createdAt: String } })
      const mine = await s.request(token)
      t.equal(mine.status, 200)
      t.match(mine.body, { user: { id: user.id }, notes: [{ text: 'buy milk' }] })
      t.same((await s.request(other.token)).body.notes, [], 'another user sees none of them')
      const none = await s.request(null)
      t.equal(none.status, 401)
      t.match(none.body, { code: 0, error: 'token_required', message: String }, 'no token: Sesame\'s envelope')
      const forged = await s.request(`${token.slice(0, -4)}AAAA`)
      t.same([forged.status, forged.body.error], [401, 'token_invalid'], 'a forged token')
      t.equal((await s.request(token, 'POST', { text: '' })).status, 400, 'the body schema still applies')
    })

    t.test('a logout on Sesame: refused at once', async (t) => {
      const { token } = await signedUp(s)
      t.equal((await s.sesame.inject({ url: '/logout', headers: { token } })).statusCode, 200)
      await expectRefused(t, s, token, 'logout')
    })

    t.test('a password change: the other sessions are refused at once, the changing one still works', async (t) => {
      const { phone, token } = await signedUp(s)
      const second = await logIn(s.sesame, phone)
      t.equal((await s.request(second)).status, 200)
      t.equal((await s.request(second)).status, 200)
      const res = await s.sesame.inject({ method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: 'a brand new passphrase' } })
      t.equal(res.statusCode, 200, res.body)
      await expectRefused(t, s, second, 'password change')
      t.equal((await s.request(token)).status, 200, 'the session that changed the password is kept (SPEC §2)')
    })

    t.test('the user deletes the account (DELETE /user): refused at once', async (t) => {
      const { token } = await signedUp(s)
      const res = await s.sesame.inject({ method: 'DELETE', url: '/user', headers: { token }, payload: { password: PASSWORD } })
      t.equal(res.statusCode, 200)
      await expectRefused(t, s, token, 'own deletion')
    })

    t.test('an admin deletes the account (DELETE /admin/users/:id): refused at once', async (t) => {
      const { user, token } = await signedUp(s)
      t.equal((await asAdmin(s.sesame, 'DELETE', `/admin/users/${user.id}`)).statusCode, 200)
      await expectRefused(t, s, token, 'admin deletion')
    })

    t.test('a ban: refused at once', async (t) => {
      const { user, token } = await signedUp(s)
      t.equal((await asAdmin(s.sesame, 'POST', `/admin/users/${user.id}/ban`)).statusCode, 200)
      await expectRefused(t, s, token, 'ban')
    })
  })
}
