import t from 'tap'
import { normalizeNickname, normalizePhoneNumber, requireWellFormedPassword } from '../../src/accounts/input.js'
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

t.test('nicknames count grapheme clusters, 1 to 30, and refuse control, bidi and invisible-only strings', async (t) => {
  const family = '👨‍👩‍👧‍👦'
  t.equal(normalizeNickname(family.repeat(30)), family.repeat(30), '30 family emoji are 30 characters')
  t.equal(normalizeNickname('e\u0301'.repeat(30)), 'e\u0301'.repeat(30), 'e + combining accent is one')
  t.throws(() => normalizeNickname('a'.repeat(31)), AppError)
  t.throws(() => normalizeNickname(family.repeat(31)), AppError)
  for (const bad of ['', '   ', 'a\u0000b', 'a\u001fb', 'a\u007fb', 'a\u202eb', 'a\u202ab', 'a\u2066b', 'a\u2069b', '\u200b\u200b', '\u2060', '\ufeff\u200d']) {
    t.throws(() => normalizeNickname(bad), AppError, JSON.stringify(bad))
  }
})

t.test('a password with a lone surrogate is refused', async (t) => {
  t.throws(() => requireWellFormedPassword('abcdefgh\ud800'), AppError)
  t.throws(() => requireWellFormedPassword('\udbffabcdefgh'), AppError)
  t.doesNotThrow(() => requireWellFormedPassword('abcdefgh😀'))
})
