import t from 'tap'
import Fastify from 'fastify'
import sesameAuth, { type SesameAuthOptions } from '../src/index.js'
import { testCluster, testServices } from '../../../test/support/helper.js'
import { instance, newUser, TARGETS } from './support.js'

for (const target of TARGETS) {
  const settings = async (): Promise<SesameAuthOptions> => target === 'cluster'
    ? { clusterNodes: (await testCluster()).nodes }
    : { redisUrl: (await testServices()).redisUrl }

  t.test(`${target}: a bare Fastify 5 service gets authenticate, request.user and Sesame's 401 envelopes`, async (t) => {
    const sesame = await instance(t, target) // stands for Sesame: it issues and revokes the sessions
    const app = Fastify()
    await app.register(sesameAuth, await settings())
    app.get('/me', { preValidation: app.authenticate }, async (request) => ({ user: request.user }))
    t.teardown(() => app.close())
    const user = newUser()
    const { token } = await sesame.create(user, 'test')

    const ok = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(ok.statusCode, 200)
    t.match(ok.json().user, { id: user.id, phoneNumber: user.phoneNumber, nickname: null, registerTime: user.registerTime })
    t.same((await app.inject({ url: '/me' })).json(), { code: 0, error: 'token_required', message: 'a token is required: send it in the token header or as Authorization: Bearer' })
    const malformed = await app.inject({ url: '/me', headers: { authorization: 'Basic abc' } })
    t.equal(malformed.statusCode, 401)
    t.match(malformed.json(), { code: 2, error: 'token_invalid' })
    t.match((await app.inject({ url: '/me', headers: { token, authorization: 'Bearer other' } })).json(), { error: 'token_invalid' }, 'two different tokens')

    await sesame.revoke(user.id, (await sesame.resolve(token))?.tokenDigest ?? '')
    const started = Date.now()
    let status = 200
    while (status === 200 && Date.now() - started < 1000) status = (await app.inject({ url: '/me', headers: { token } })).statusCode
    t.equal(status, 401, 'a logout at Sesame is refused by the service')
  })

  t.test(`${target}: onFailure gives the service its own reply shape`, async (t) => {
    const app = Fastify()
    await app.register(sesameAuth, {
      ...await settings(),
      onFailure: (failure, _request, reply) => reply.code(failure.statusCode).send({ ok: false, reason: failure.error })
    })
    app.get('/me', { preValidation: app.authenticate }, async () => ({ ok: true }))
    t.teardown(() => app.close())
    t.same((await app.inject({ url: '/me', headers: { token: `1.${'A'.repeat(43)}` } })).json(), { ok: false, reason: 'token_invalid' })
    t.same((await app.inject({ url: '/me' })).json(), { ok: false, reason: 'token_required' })
  })
}

t.test('registering without Redis settings fails at boot, naming what is missing', async (t) => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(sesameAuth, {}).ready() }, /needs one of: redis/)
})
