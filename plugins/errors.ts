import fp from 'fastify-plugin'
import { toFailure } from '../src/http/to-failure.js'
import { fail } from '../src/http/errors.js'
import { createRouteIndex } from '../src/http/route-index.js'

/**
 * The one error handler: every error becomes the `{code, error, message}` envelope. Unknown paths
 * answer 404 `not_found`, known paths with another method 405 `method_not_allowed` with `Allow`.
 */
export default fp(async (app) => {
  const routes = createRouteIndex()
  app.addHook('onRoute', (route) => routes.add(route.method, route.url))

  app.setErrorHandler(async function (err, request, reply) {
    const { statusCode, body, headers } = toFailure(err)
    if (statusCode >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ error: body.error, statusCode }, body.message)
    return reply.code(statusCode).headers(headers).send(body)
  })

  app.setNotFoundHandler(async function (request) {
    const allowed = routes.methodsFor(request.url)
    // `/login/` matches the index's pattern for /login, but Fastify routes it nowhere: 404, not "POST is not allowed; use POST".
    if (allowed.length === 0 || allowed.includes(request.method)) throw fail('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)
    throw fail('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`, { allow: allowed.join(', ') })
  })
}, { name: 'errors' })
