import fp from 'fastify-plugin'
import fastifyHelmet from '@fastify/helmet'

/**
 * Security headers that suit a JSON API (@fastify/helmet). The content security policy only allows
 * this origin's own scripts and styles, which is all the /docs page needs; nothing may frame us.
 */
export default fp(async (app) => {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"]
      }
    },
    crossOriginEmbedderPolicy: false
  })
}, { name: 'security-headers' })
