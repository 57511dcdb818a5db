import fp from 'fastify-plugin'
import type { preSerializationHookHandler } from 'fastify'
import { localizeBody } from '../src/i18n/index.js'

const MIGHT_BE_CHINESE = /zh/i

/**
 * `message` follows Accept-Language (English, Simplified Chinese) for every reply, failures included:
 * one synchronous preSerialization hook. English is what every body is written in, so a request that
 * cannot ask for Chinese (no header, or one without "zh") costs a substring search and nothing else.
 */
const localize: preSerializationHookHandler<unknown> = function (request, _reply, payload, done) {
  const acceptLanguage = request.headers['accept-language']
  if (acceptLanguage === undefined || !MIGHT_BE_CHINESE.test(acceptLanguage)) done(null, payload)
  else done(null, localizeBody(acceptLanguage, payload))
}

export default fp(async (app) => {
  app.addHook('preSerialization', localize)
}, { name: 'i18n' })
