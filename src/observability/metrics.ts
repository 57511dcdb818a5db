import { createServer, type Server } from 'node:http'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { PROJECT_VERSION } from '../config/project.js'
import { HttpMetrics } from './http-metrics.js'

/**
 * Sesame's Prometheus metrics, in a registry of their own (not prom-client's global one) so that
 * several apps in one process, as in the tests, keep separate counts.
 */
export function createMetrics () {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry }) // process and Node.js metrics, event-loop delay (nodejs_eventloop_lag_*) included
  const metrics = {
    registry,
    /** sesame_http_requests_total and sesame_http_request_duration_seconds, by method, route and status code. */
    http: new HttpMetrics(registry, [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]),
    logins: new Counter({
      name: 'sesame_logins_total',
      help: 'Login attempts by result: success, failure (wrong credentials), rate_limited, error',
      labelNames: ['result'] as const,
      registers: [registry]
    }),
    sessions: new Counter({
      name: 'sesame_sessions_total',
      help: 'Sessions created and revoked (logout, eviction beyond MAX_SESSIONS_PER_USER, password change)',
      labelNames: ['event'] as const,
      registers: [registry]
    }),
    dependencyErrors: new Counter({
      name: 'sesame_dependency_errors_total',
      help: 'Redis and MySQL errors: failed requests, and Redis connection errors',
      labelNames: ['dependency', 'source'] as const,
      registers: [registry]
    }),
    ...smsMetrics(registry),
    ...webhookMetrics(registry)
  }
  // Always 1: the labels say which build answers, for dashboards and "mixed versions" alerts.
  new Gauge({ name: 'sesame_build_info', help: 'The running build', labelNames: ['version', 'node'] as const, aggregator: 'first', registers: [registry] })
    .set({ version: PROJECT_VERSION, node: process.version }, 1)
  // Zeros from the start, so that rate() and alerts see every series before the first event.
  for (const result of ['success', 'failure', 'rate_limited', 'error']) metrics.logins.inc({ result }, 0)
  for (const event of ['created', 'revoked']) metrics.sessions.inc({ event }, 0)
  for (const dependency of ['redis', 'mysql']) metrics.dependencyErrors.inc({ dependency, source: 'request' }, 0)
  for (const limit of SMS_LIMITS) metrics.smsRefused.inc({ limit }, 0)
  metrics.smsDailyCapReached.inc(0)
  for (const result of WEBHOOK_RESULTS) metrics.webhooks.inc({ result }, 0)
  return metrics
}

/** Every limit that can refuse an SMS code (SPEC §9 and §11), the `limit` label of sesame_sms_codes_refused_total. */
export const SMS_LIMITS = ['cooldown', 'daily_per_number', 'prefix', 'country', 'global_daily', 'country_not_allowed', 'challenge'] as const
export type SmsLimit = (typeof SMS_LIMITS)[number]

/** SPEC §11: the verified/sent ratio by country is the fraud signal (docs/DEPLOY.md). */
const smsMetrics = (registry: Registry) => ({
  smsSent: new Counter({
    name: 'sesame_sms_codes_sent_total',
    help: 'SMS codes handed to the delivery queue, by country and purpose (those the gateway then failed are in sesame_sms_codes_failed_total too)',
    labelNames: ['country', 'purpose'] as const,
    registers: [registry]
  }),
  smsFailed: new Counter({
    name: 'sesame_sms_codes_failed_total',
    help: 'SMS codes the gateway did not take (refused, failed, timed out, or the delivery queue was full): each such code is dead',
    labelNames: ['country', 'purpose'] as const,
    registers: [registry]
  }),
  smsVerified: new Counter({
    name: 'sesame_sms_codes_verified_total',
    help: 'SMS codes entered correctly and used, by country and purpose',
    labelNames: ['country', 'purpose'] as const,
    registers: [registry]
  }),
  smsRefused: new Counter({
    name: 'sesame_sms_codes_refused_total',
    help: 'SMS code requests refused, by the limit that refused them',
    labelNames: ['limit'] as const,
    registers: [registry]
  }),
  smsDailyCapReached: new Counter({
    name: 'sesame_sms_daily_cap_reached_total',
    help: 'Times SMS_LIMIT_DAILY was reached (once per window, across instances): an attack or a launch',
    registers: [registry]
  })
})

/** Webhook deliveries (SPEC §14): delivered, retried (an attempt failed, another is due) and failed (given up after 24 h). */
export const WEBHOOK_RESULTS = ['delivered', 'retried', 'failed'] as const

const webhookMetrics = (registry: Registry) => ({
  webhooks: new Counter({
    name: 'sesame_webhooks_total',
    help: 'Webhook delivery attempts by result: delivered, retried (will try again), failed (given up after 24 h)',
    labelNames: ['result'] as const,
    registers: [registry]
  }),
  webhookBacklogAge: new Gauge({
    name: 'sesame_webhook_backlog_age_seconds',
    help: 'Age of the oldest webhook delivery still waiting (0: none)',
    aggregator: 'max',
    registers: [registry]
  })
})

export type Metrics = ReturnType<typeof createMetrics>

/** The login result that a /login reply's status stands for. */
export const loginResult = (statusCode: number) =>
  statusCode === 200 ? 'success' : statusCode === 401 ? 'failure' : statusCode === 429 ? 'rate_limited' : 'error'

/** A bare HTTP server that answers GET /metrics with `read()` in the Prometheus text format, and 404 otherwise. */
export async function startMetricsServer (host: string, port: number, read: () => Promise<string>, contentType: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n')
      return
    }
    read().then(
      (text) => response.writeHead(200, { 'content-type': contentType }).end(text),
      (err: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(err)}\n`)
    )
  })
  await new Promise<void>((resolve, reject) => server.listen(port, host, resolve).once('error', reject))
  return server
}
