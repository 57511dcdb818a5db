import { generate } from 'otplib'
import t from 'tap'
import { build, loggedInUser, PASSWORD, type App } from '../support/helper.js'

// Single use under concurrency: the same TOTP code, recovery code or challenge sent at once to two instances.

const post = (app: App, url: string, payload: object, token?: string) =>
  app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : { token } })
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 })

async function twoFactorUser (app: App) {
  const { phone, token } = await loggedInUser(app)
  const { secret } = (await post(app, '/user/2fa/setup', {}, token)).json()
  const enabled = await post(app, '/user/2fa/enable', { code: await codeAt(secret) }, token)
  return { phone, secret: secret as string, recoveryCodes: enabled.json().recovery_codes as string[] }
}

const challenges = async (apps: App[], phone: string, count: number) => await Promise.all(Array.from({ length: count }, async (_, i) =>
  (await post(apps[i % apps.length] as App, '/login', { phone_number: phone, password: PASSWORD })).json().challenge as string))

t.test('one TOTP code, one recovery code and one challenge each log in exactly once across two instances', async (t) => {
  const env = { MAX_SESSIONS_PER_USER: '20', LOGIN_MAX_FAILURES: '50' }
  const apps = [await build(t, env), await build(t, env)]
  const { phone, secret, recoveryCodes } = await twoFactorUser(apps[0] as App)

  const code = await codeAt(secret, 1) // the enable code used this step
  const forTotp = await challenges(apps, phone, 10)
  const totp = await Promise.all(forTotp.map((challenge, i) => post(apps[i % 2] as App, '/login/2fa', { challenge, code })))
  t.equal(totp.filter((res) => res.statusCode === 200).length, 1, 'the TOTP code is accepted once')
  t.ok(totp.every((res) => res.statusCode === 200 || ['second_factor_invalid', 'rate_limited'].includes(res.json().error)), 'the others are second_factor_invalid or, once their failures spent the budget, rate_limited')

  const forRecovery = await challenges(apps, phone, 10)
  const recovery = await Promise.all(forRecovery.map((challenge, i) => post(apps[i % 2] as App, '/login/2fa', { challenge, code: recoveryCodes[0] })))
  t.equal(recovery.filter((res) => res.statusCode === 200).length, 1, 'the recovery code is used once')

  const [challenge = ''] = await challenges(apps, phone, 1)
  const codes = [await codeAt(secret, -1), await codeAt(secret, 0), ...recoveryCodes.slice(1, 9)]
  const sameChallenge = await Promise.all(codes.map((each, i) => post(apps[i % 2] as App, '/login/2fa', { challenge, code: each })))
  t.ok(sameChallenge.filter((res) => res.statusCode === 200).length <= 1, 'one challenge gives at most one session')
})
