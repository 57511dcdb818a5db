import fp from 'fastify-plugin'
import { localizeBody } from '../src/i18n/index.js'

/**
 * `message` follows Accept-Language (English, Simplified Chinese) for every reply, failures included:
 * one preSerialization hook, which returns at once when the header is absent.
 */
export default fp(async (app) => {
  app.addHook('preSerialization', async function (request, _reply, payload) {
    return localizeBody(request.headers['accept-language'], payload)
  })
}, { name: 'i18n' })
