import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildOn, ownServices, thawMariaDb } from '../support/own-services.js'
import { PASSWORD, logIn, newPhone, registerUser } from '../support/helper.js'

// SPEC §5: a 503 means nothing changed. A write whose deadline passes while MariaDB is frozen is rolled back
// (its COMMIT is never sent), so when MariaDB wakes up the reply is still the truth.
const services = await ownServices(t)
const MOVE_TO = '+8613800009999'
const app = await buildOn(t, services, {
  MAX_SESSIONS_PER_USER: '5', IP_RATE_LIMIT_PER_MINUTE: '10000', SMS_TEST_NUMBERS: `${MOVE_TO}=246810`, SMS_TEST_NUMBERS_UNTIL: '2999-01-01'
})
const { phone, user } = await registerUser(app, newPhone(), PASSWORD, 'original')
const token = await logIn(app, phone)

const row = async () => {
  const [rows] = await app.mysql.query('SELECT nickname, password_hash, phone_number FROM user WHERE id = ?', [user.id]) as unknown as [Array<{ nickname: string, password_hash: string }>]
  return rows[0]
}

/** Runs `request` with MariaDB frozen from `freeze` on, thaws it, and waits until it has worked through what it was sent. */
async function whileFrozen (freeze: 'before' | 'after the hash' | 'after the lookup', request: () => Promise<{ statusCode: number }>) {
  const { hash } = app.passwords
  const { findByPhone } = app.usersRepository
  const freezing = <A extends unknown[], R>(work: (...args: A) => Promise<R>) => async (...args: A) => {
    const result = await work(...args)
    services.mariadb.process.kill('SIGSTOP')
    return result
  }
  // Otherwise the request's reads and checks ran against a live MariaDB, which freezes just before the write.
  if (freeze === 'before') services.mariadb.process.kill('SIGSTOP')
  else if (freeze === 'after the hash') app.passwords.hash = freezing(hash.bind(app.passwords))
  else app.usersRepository.findByPhone = freezing(findByPhone)
  try {
    return await request()
  } finally {
    app.passwords.hash = hash
    app.usersRepository.findByPhone = findByPhone
    await thawMariaDb(services, app)
    await sleep(500) // the statements it had queued while frozen
  }
}

t.test('PATCH /user answered 503 while MariaDB was frozen: the nickname did not change', async (t) => {
  const before = await row()
  const res = await whileFrozen('before', () => app.inject({ method: 'PATCH', url: '/user', headers: { token }, payload: { nickname: 'frozen' } }))
  t.equal(res.statusCode, 503)
  t.same(await row(), before, 'MySQL holds the old nickname')
  t.equal((await app.inject({ url: '/user', headers: { token } })).json().nickname, 'original', 'and so does the cached user')
})

t.test('POST /user/password answered 503 while MariaDB froze before the write: the password did not change', async (t) => {
  const before = await row()
  const res = await whileFrozen('after the hash', () => app.inject({
    method: 'POST', url: '/user/password', headers: { token }, payload: { old_password: PASSWORD, new_password: 'a brand new password' }
  }))
  t.equal(res.statusCode, 503)
  t.same(await row(), before, 'the old hash is still stored')
  t.equal((await app.inject({ url: '/user', headers: { token } })).statusCode, 200, 'the session was not ended')
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })).statusCode, 200)
})

t.test('POST /register answered 503 while MariaDB froze before the insert: a retry registers', async (t) => {
  const fresh = newPhone()
  const register = () => app.inject({ method: 'POST', url: '/register', payload: { phone_number: fresh, password: PASSWORD } })
  t.equal((await whileFrozen('after the hash', register)).statusCode, 503)
  const [rows] = await app.mysql.query('SELECT id FROM user WHERE phone_number = ?', [fresh]) as unknown as [unknown[]]
  t.equal(rows.length, 0, 'no row was written')
  t.equal((await register()).statusCode, 201, 'the retry is not 409 phone_taken')
})

t.test('POST /user/phone answered 503 while MariaDB froze before the update: the number did not change', async (t) => {
  const before = await row()
  t.equal((await app.inject({ method: 'POST', url: '/sms/code', headers: { token }, payload: { phone_number: MOVE_TO, purpose: 'change_phone' } })).statusCode, 200)
  const res = await whileFrozen('after the lookup', () => app.inject({
    method: 'POST', url: '/user/phone', headers: { token }, payload: { new_phone_number: MOVE_TO, sms_code: '246810', password: PASSWORD }
  }))
  t.equal(res.statusCode, 503)
  t.same(await row(), before, 'MySQL holds the old number')
  t.equal((await app.inject({ url: '/user', headers: { token } })).json().phone_number, phone, 'and so does the cached user')
})

t.test('POST /user/password whose Redis half meets a frozen Redis: not a 503, since MySQL committed; the sessions end once Redis is back', async (t) => {
  const other = await logIn(app, phone)
  const mine = await logIn(app, phone)
  const { write } = app.events
  app.events.write = async (work, events) => {
    const result = await write(work, events)
    app.events.write = write
    services.redis.process.kill('SIGSTOP')
    setTimeout(() => services.redis.process.kill('SIGCONT'), 1500)
    return result
  }
  const res = await app.inject({ method: 'POST', url: '/user/password', headers: { token: mine }, payload: { old_password: PASSWORD, new_password: 'the password after' } })
  app.events.write = write
  t.equal(res.statusCode, 200, 'the change happened, and the reply says so')
  t.equal((await app.inject({ url: '/user', headers: { token: other } })).statusCode, 401, 'the other session ended')
  t.equal((await app.inject({ url: '/user', headers: { token: mine } })).statusCode, 200, 'the one that asked lives on')
  t.equal((await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: 'the password after' } })).statusCode, 200)
})
