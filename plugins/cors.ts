import fp from 'fastify-plugin'
import fastifyCors from '@fastify/cors'

/** CORS_ORIGINS as a list: comma-separated origins such as `https://app.example.com`; empty when unset. */
export const corsOrigins = (value: string | undefined) => value === undefined ? [] : value.split(',')

/**
 * CORS for web clients (@fastify/cors), off unless CORS_ORIGINS names the origins allowed: then a
 * preflight from one of them gets 204 with the methods and headers the API uses (the token header and
 * Authorization included), and Retry-After and x-request-id are readable by the page. Other origins get
 * no Access-Control-Allow-Origin, so the browser keeps the reply from them. No cookies are used, so no credentials.
 */
export default fp(async (app) => {
  const origins = corsOrigins(app.config.CORS_ORIGINS)
  if (origins.length === 0) return
  await app.register(fastifyCors, {
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'token', 'accept-language', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['config'] })
