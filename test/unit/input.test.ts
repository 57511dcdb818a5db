import t from 'tap'
import { normalizeNickname, normalizePhoneNumber } from '../../src/accounts/input.js'
import { parseToken, tokenDigest } from '../../src/sessions/store.js'
import { AppError } from '../../src/http/errors.js'

t.test('nicknames are trimmed; null and absent stay null; a lone surrogate is refused', async (t) => {
  t.equal(normalizeNickname('  小明 🚀 '), '小明 🚀')
  t.equal(normalizeNickname(null), null)
  t.equal(normalizeNickname(undefined), null)
  t.throws(() => normalizeNickname('ab\ud800'), AppError)
})

t.test('phone numbers are trimmed before use', async (t) => {
  t.equal(normalizePhoneNumber(' +8613800138000 '), '+8613800138000')
})

t.test('tokens: <user id>.<43-char secret>, digested with SHA-256', async (t) => {
  const secret = 'A'.repeat(43)
  t.same(parseToken(`7.${secret}`), { userId: 7, secret })
  for (const bad of ['', '7', `0.${secret}`, `x.${secret}`, `7.${secret}=`, `7.${'A'.repeat(42)}`]) t.equal(parseToken(bad), null, bad)
  t.equal(tokenDigest('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
})
