import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { createPasswordHasher, OWASP_ARGON2ID } from '../src/passwords/hasher.js'
import { build, FAST_HASH, logIn, newPhone, PASSWORD, registerUser } from './support/helper.js'

t.test('hashes with argon2id at the OWASP minimum (19 MiB, 2 iterations, 1 lane)', async (t) => {
  const hasher = createPasswordHasher()
  const hash = await hasher.hash('s3cret pass')
  t.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)
  t.equal(await hasher.verify(hash, 's3cret pass'), true)
  t.equal(await hasher.verify(hash, 's3cret pasS'), false)
  t.equal(hasher.needsRehash(hash), false)
})

t.test('a malformed stored hash never matches', async (t) => {
  const hasher = createPasswordHasher(FAST_HASH)
  t.equal(await hasher.verify('plaintext-from-the-old-app', 'plaintext-from-the-old-app'), false)
  t.equal(await hasher.verifyUnknown('anything'), false)
})

t.test('a hash made with weaker parameters needs a rehash', async (t) => {
  const weak = await createPasswordHasher(FAST_HASH).hash('pw')
  t.equal(createPasswordHasher(OWASP_ARGON2ID).needsRehash(weak), true)
})

t.test('hashing runs off the event loop', async (t) => {
  const hasher = createPasswordHasher()
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 1)
  await Promise.all([hasher.hash('a'), hasher.hash('b'), hasher.hash('c'), hasher.hash('d')])
  clearInterval(timer)
  t.ok(ticks > 0, `the event loop kept turning (${ticks} ticks) while four hashes ran`)
})

t.test('a weaker hash is upgraded at the next successful login', async (t) => {
  const weakApp = await build(t, {}, { hashParameters: FAST_HASH })
  const phone = newPhone()
  await registerUser(weakApp, phone)
  const hashOf = async () => {
    const [rows] = await weakApp.mysql.query<RowDataPacket[]>('SELECT password_hash FROM user WHERE phone_number = ?', [phone])
    return String(rows[0]?.password_hash)
  }
  t.match(await hashOf(), /m=1024,p=1,t=1/)
  const strongApp = await build(t, {}, { hashParameters: OWASP_ARGON2ID })
  await t.rejects(logIn(strongApp, phone, 'wrong password!'), 'a failed login changes nothing')
  t.match(await hashOf(), /m=1024,p=1,t=1/)
  t.ok(await logIn(strongApp, phone, PASSWORD))
  t.match(await hashOf(), /m=19456,p=1,t=2/)
  t.ok(await logIn(strongApp, phone, PASSWORD), 'the upgraded hash verifies')
})
