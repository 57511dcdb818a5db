import t from 'tap'
import { AppError, ERRORS, fail, rateLimited, retryAfterHeader } from '../../src/http/errors.js'
import { toFailure } from '../../src/http/to-failure.js'
import { DependencyTimeoutError } from '../../src/http/dependency-failures.js'

// Pure: no server. The table is the contract's error list, and every failure is built from it.

t.test('every table entry becomes its own envelope', async (t) => {
  for (const [name, entry] of Object.entries(ERRORS)) {
    const { statusCode, body } = toFailure(fail(name as keyof typeof ERRORS))
    t.equal(statusCode, entry.status, `${name}: status`)
    t.same(body, { code: entry.code, error: name, message: entry.message }, `${name}: body`)
  }
  t.equal(ERRORS.token_invalid.code, 2, 'only token_invalid asks the app to log in again')
})

t.test('Retry-After is whole seconds, at least 1', async (t) => {
  t.same(retryAfterHeader(0.2), { 'retry-after': '1' })
  t.same(retryAfterHeader(61.1), { 'retry-after': '62' })
  t.same(toFailure(rateLimited(30)).headers, { 'retry-after': '30' })
})

t.test('errors from Fastify, dependencies and bugs map to the table', async (t) => {
  const fastifyError = (code: string, statusCode: number) => Object.assign(new Error('x'), { code, statusCode })
  t.match(toFailure(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400)), { statusCode: 400, body: { error: 'invalid_json', message: ERRORS.invalid_json.message } })
  t.match(toFailure(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)), { statusCode: 413, body: { error: 'payload_too_large' } })
  t.match(toFailure(new DependencyTimeoutError('MySQL did not answer')), { statusCode: 503, body: { error: 'service_unavailable' } })
  const bug = toFailure(new Error('SELECT password_hash FROM user'))
  t.match(bug, { statusCode: 500, body: { code: 0, error: 'internal_error', message: 'internal server error' } })
  t.same(toFailure('not even an Error').body.error, 'internal_error')
  t.ok(fail('not_found') instanceof AppError)
})
