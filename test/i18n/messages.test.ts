import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERROR_NAMES } from '../../src/http/errors.js'
import { ERROR_MESSAGES_ZH, MESSAGES_ZH } from '../../src/i18n/zh-CN.js'
import { pickLanguage, translateMessage } from '../../src/i18n/index.js'
import { smsText } from '../../src/i18n/sms.js'

const HAN = /\p{Script=Han}/u

t.test('every error name of the table has a Simplified Chinese message', async (t) => {
  for (const name of ERROR_NAMES) t.match(ERROR_MESSAGES_ZH[name], HAN, name)
  t.same(Object.keys(ERROR_MESSAGES_ZH).sort(), [...ERROR_NAMES].sort())
})

t.test('every literal message a route sends has a translation', async (t) => {
  const files = readdirSync('routes', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const literals = files.flatMap((file) => [...readFileSync(join('routes', file), 'utf8').matchAll(/message: (?:[^'\n]*\? )?'([^']+)'(?: : '([^']+)')?/g)]
    .flatMap((m) => [m[1], m[2]]).filter((s): s is string => s !== undefined))
  t.ok(literals.length >= 10, `found ${literals.length} messages`)
  for (const message of literals) t.match(MESSAGES_ZH[message], HAN, message)
})

t.test('pickLanguage honours q-values and Chinese variants', async (t) => {
  t.equal(pickLanguage(undefined), 'en')
  t.equal(pickLanguage(''), 'en')
  t.equal(pickLanguage('zh-CN,zh;q=0.9'), 'zh-CN')
  t.equal(pickLanguage('zh'), 'zh-CN')
  t.equal(pickLanguage('zh-Hans-CN'), 'zh-CN')
  t.equal(pickLanguage('en-US,en;q=0.9,zh-CN;q=0.8'), 'en')
  t.equal(pickLanguage('en;q=0.5, zh-CN;q=0.8'), 'zh-CN')
  t.equal(pickLanguage('zh-CN;q=0, en'), 'en')
  t.equal(pickLanguage('fr-FR, zh;q=0.3'), 'zh-CN')
  t.equal(pickLanguage('zh-TW'), 'en', 'Traditional Chinese is not served')
  t.equal(pickLanguage('fr, de'), 'en')
  t.equal(pickLanguage('*'), 'en')
})

t.test('translateMessage: by error name, exact text, and a lead-in for validation details', async (t) => {
  t.equal(translateMessage('en', 'wrong phone number or password', 'invalid_credentials'), 'wrong phone number or password')
  t.equal(translateMessage('zh-CN', 'wrong phone number or password', 'invalid_credentials'), '手机号或密码错误')
  t.equal(translateMessage('zh-CN', 'no route GET /x', 'not_found'), '未找到')
  t.equal(translateMessage('zh-CN', 'body/phone_number must be a phone number', 'validation_failed'), '请求无效：body/phone_number must be a phone number')
  t.equal(translateMessage('zh-CN', 'logon successful'), '登录成功')
})

t.test('SMS texts in both languages carry the code and lifetime', async (t) => {
  t.match(smsText('123456', 'register', 300), /123456.*5 minutes/)
  t.match(smsText('123456', 'register', 300, 'zh-CN'), /123456.*5 分钟/)
  t.match(smsText('654321', 'reset_password', 90, 'zh-CN'), /654321.*90 秒/)
})
