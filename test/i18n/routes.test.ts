import t from 'tap'
import type { AddressInfo } from 'node:net'
import { createSesameClient, SesameError } from '../../client/src/index.js'
import { build, newPhone, PASSWORD } from '../support/helper.js'
import { buildWithGateway } from '../support/sms-helper.js'

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' }

t.test('success and failure messages follow Accept-Language; error and code never change', async (t) => {
  const app = await build(t)
  const phone = newPhone()
  const registered = await app.inject({ method: 'POST', url: '/register', headers: ZH, payload: { phone_number: phone, password: PASSWORD } })
  t.equal(registered.statusCode, 201)
  t.equal(registered.json().message, '注册成功')

  const login = await app.inject({ method: 'POST', url: '/login', headers: ZH, payload: { phone_number: phone, password: PASSWORD } })
  t.equal(login.json().message, '登录成功')
  const english = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: phone, password: PASSWORD } })
  t.equal(english.json().message, 'logon successful')

  const wrong = { phone_number: phone, password: 'not the password at all' }
  const zhFail = await app.inject({ method: 'POST', url: '/login', headers: ZH, payload: wrong })
  const enFail = await app.inject({ method: 'POST', url: '/login', payload: wrong })
  t.equal(zhFail.statusCode, 401)
  t.same(zhFail.json(), { code: 0, error: 'invalid_credentials', message: '手机号或密码错误' })
  t.same(enFail.json(), { code: 0, error: 'invalid_credentials', message: 'wrong phone number or password' })

  const token = english.json().token as string
  const user = await app.inject({ method: 'GET', url: '/user', headers: { ...ZH, token } })
  t.equal(user.json().message, '成功')
  const invalid = await app.inject({ method: 'GET', url: '/user', headers: { ...ZH, token: 'nonsense' } })
  t.same(invalid.json(), { code: 2, error: 'token_invalid', message: '令牌无效，请重新登录' })

  const notFound = await app.inject({ method: 'GET', url: '/nowhere', headers: ZH })
  t.same(notFound.json(), { code: 0, error: 'not_found', message: '未找到' })
  const invalidBody = await app.inject({ method: 'POST', url: '/login', headers: ZH, payload: { phone_number: phone } })
  t.equal(invalidBody.json().error, 'validation_failed')
  t.match(invalidBody.json().message, /^请求无效：/)

  const health = await app.inject({ method: 'GET', url: '/health', headers: { 'accept-language': 'en-GB, zh;q=0.5' } })
  t.equal(health.json().message, 'ok')
})

t.test('the SMS text is in the language of the request for the code', async (t) => {
  const { app, gateway } = await buildWithGateway(t)
  const phone = newPhone()
  const res = await app.inject({ method: 'POST', url: '/sms/code', headers: ZH, payload: { phone_number: phone, purpose: 'register' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().message, /验证码/)
  await app.smsDelivery.drain()
  const sent = JSON.parse(gateway.requests.at(-1)?.body ?? '{}') as { text: string }
  t.match(sent.text, /验证码是 \d{6}/)
  t.equal(gateway.codeFor(phone).length, 6)
})

t.test('the typed client sends the device language as Accept-Language', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as AddressInfo
  let language: string | undefined = 'zh-CN'
  const client = createSesameClient({ baseUrl: `http://127.0.0.1:${address.port}`, language: () => language })
  t.equal((await client.health()).message, '成功')
  const err = await client.login({ phone_number: newPhone(), password: PASSWORD }).catch((e: unknown) => e)
  t.ok(err instanceof SesameError)
  t.match(err, { error: 'invalid_credentials', message: '手机号或密码错误' })
  language = undefined
  t.equal((await client.health()).message, 'ok')
})
