import t from 'tap'
import Fastify from 'fastify'
import errors from '../../plugins/errors.js'
import { fail } from '../../src/http/errors.js'

// The error plugin on a bare Fastify(): no database, no Redis.
t.test('the errors plugin turns every failure into the envelope, 404 and 405 included', async (t) => {
  const app = Fastify()
  await app.register(errors)
  app.get('/teapot', async () => { throw fail('phone_taken') })
  app.get('/crash', async () => { throw new Error('boom') })
  t.teardown(() => app.close())

  const taken = await app.inject({ method: 'GET', url: '/teapot' })
  t.equal(taken.statusCode, 409)
  t.same(taken.json(), { code: 0, error: 'phone_taken', message: 'this phone number is already registered' })
  const crash = await app.inject({ method: 'GET', url: '/crash' })
  t.same([crash.statusCode, crash.json().error, crash.json().message], [500, 'internal_error', 'internal server error'])
  const missing = await app.inject({ method: 'GET', url: '/nope' })
  t.same([missing.statusCode, missing.json().error], [404, 'not_found'])
  const wrongMethod = await app.inject({ method: 'DELETE', url: '/teapot' })
  t.same([wrongMethod.statusCode, wrongMethod.json().error, wrongMethod.headers.allow], [405, 'method_not_allowed', 'GET, HEAD'])
})
