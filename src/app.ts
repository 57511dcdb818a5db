import readiness from './health/index.js'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { trustProxySetting, type Config } from './config/env.js'
import type { HashParameters } from './passwords/hasher.js'
import { LOG_REDACT_PATHS } from './observability/logging.js'
import { lazyRequestLogger } from './observability/request-logger.js'
import { formatValidationError } from './http/validation-messages.js'
import { BODY_LIMIT_BYTES } from './http/errors.js'
import { refuseExpectation, replyFrameworkError, requestTimeout, requireHost, writeClientError } from './http/framework-errors.js'
import { echoRequestId, requestIdOf } from './http/request-id.js'
import config from '../plugins/config.js'
import errors from '../plugins/errors.js'
import i18n from '../plugins/i18n.js'
import securityHeaders from '../plugins/security-headers.js'
import cors from '../plugins/cors.js'
import schemas from '../plugins/schemas.js'
import docs from '../plugins/docs.js'
import mysql from '../plugins/mysql.js'
import redis from '../plugins/redis.js'
import passwords from './passwords/index.js'
import usersRepository from './users/index.js'
import sessions from './sessions/index.js'
import auth from './auth/index.js'
import rateLimits from './limits/index.js'
import metrics from '../plugins/metrics.js'
import loadShedding from '../plugins/load-shedding.js'
import accounts from './accounts/index.js'
import passwordPolicy from './protection/index.js'
import twoFactor from './two-factor/index.js'
import smsCodes from './sms/index.js'
import serviceRoutes from '../routes/service/index.js'
import publicRoutes from '../routes/public/index.js'
import authenticatedRoutes from '../routes/authenticated/index.js'
import introspectionRoutes from '../routes/introspection/index.js'
import adminRoutes from '../routes/admin/index.js'
import admin from './admin/index.js'
import serviceKeys from './service-keys/index.js'
import events from './events/index.js'

export interface BuildOptions {
  /** Fastify's logger option; by default a pino logger at LOG_LEVEL with secrets redacted. */
  logger?: FastifyServerOptions['logger']
  /** Where the default logger writes (stdout if absent); tests capture the log here. */
  logStream?: { write: (line: string) => void }
  /** argon2id parameters; tests lower them to check that weaker hashes get upgraded. */
  hashParameters?: HashParameters
  /** In a cluster worker (WORKERS > 1): metrics go to the primary over IPC instead of a port of their own. */
  metricsViaPrimary?: boolean
}

/**
 * The app factory used by the server, the tests and the benchmark. Takes the configuration that
 * `loadConfig` validated once, connects to MySQL and Redis, migrates, and registers every route.
 */
export async function buildApp (options: BuildOptions, settings: Config) {
  if (settings.MYSQL_URL === undefined) throw new Error('MYSQL_URL is required (e.g. mysql://user:pass@127.0.0.1:3306/sesame)')
  if (settings.REDIS_URL === undefined && settings.REDIS_CLUSTER_NODES === undefined) {
    throw new Error('REDIS_URL or REDIS_CLUSTER_NODES is required (e.g. redis://127.0.0.1:6379)')
  }

  const app = Fastify({
    logger: options.logger ?? { level: settings.LOG_LEVEL, redact: LOG_REDACT_PATHS, stream: options.logStream },
    bodyLimit: BODY_LIMIT_BYTES,
    // Our own genReqId validates the header; Fastify's requestIdHeader would take any value as given.
    requestIdHeader: false,
    genReqId: requestIdOf,
    childLoggerFactory: lazyRequestLogger,
    trustProxy: trustProxySetting(settings.TRUST_PROXY),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, verbose: true } },
    schemaErrorFormatter: formatValidationError,
    frameworkErrors: replyFrameworkError,
    clientErrorHandler: writeClientError,
    requestTimeout: settings.REQUEST_TIMEOUT_SECONDS * 1000,
    // Node would answer a request without Host with an empty 400 itself; `requireHost` answers it in the envelope.
    http: { requireHostHeader: false },
    return503OnClosing: true,
    // Boot may wait DEPENDENCY_WAIT_SECONDS for MySQL and again for Redis before it gives up with a clear message.
    pluginTimeout: (settings.DEPENDENCY_WAIT_SECONDS * 2 + 10) * 1000,
    forceCloseConnections: 'idle'
  }).withTypeProvider<TypeBoxTypeProvider>()
  // JSON only: a text/plain body must get 415, not reach validation as a string.
  app.removeContentTypeParser('text/plain')
  app.addHook('onRequest', requireHost)
  app.addHook('onRequest', requestTimeout(settings.REQUEST_TIMEOUT_SECONDS * 1000))
  app.server.on('checkExpectation', refuseExpectation)
  app.addHook('onRequest', echoRequestId)

  try {
    await app.register(config, { config: settings })
    await app.register(errors)
    await app.register(i18n)
    await app.register(metrics, { viaPrimary: options.metricsViaPrimary })
    await app.register(loadShedding)
    await app.register(securityHeaders)
    await app.register(cors)
    await app.register(schemas)
    await app.register(docs)
    await app.register(mysql)
    await app.register(redis)
    await app.register(passwords, { hashParameters: options.hashParameters })
    await app.register(usersRepository)
    await app.register(sessions)
    await app.register(auth)
    await app.register(rateLimits)
    await app.register(serviceKeys)
    await app.register(events)
    await app.register(smsCodes)
    await app.register(passwordPolicy)
    await app.register(twoFactor)
    await app.register(accounts)
    await app.register(admin)
    await app.register(readiness)

    await app.register(serviceRoutes)
    await app.register(publicRoutes)
    await app.register(authenticatedRoutes)
    await app.register(introspectionRoutes)
    await app.register(adminRoutes)
  } catch (err) {
    // A plugin failed (say Redis never answered): close what the others opened, such as the MySQL pool.
    await app.close().catch(() => {})
    throw err
  }
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
