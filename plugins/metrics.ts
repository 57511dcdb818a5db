import fp from 'fastify-plugin'
import { AggregatorRegistry } from 'prom-client'
import { createMetrics, startMetricsServer, type Metrics } from '../src/observability/metrics.js'
import { dependencyOf } from '../src/http/dependency-failures.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus metrics, or null when METRICS_PORT is 0 (then nothing is measured). */
    metrics: Metrics | null
  }
}

/**
 * Prometheus metrics (prom-client) on their own port, METRICS_PORT, never on the API port. A cluster
 * worker (WORKERS > 1) does not listen: it hands its registry to the primary, which serves the sum.
 */
export default fp<{ viaPrimary?: boolean }>(async (app, { viaPrimary = false }) => {
  const { METRICS_PORT, METRICS_HOST, HOST } = app.config
  if (METRICS_PORT === 0 && !viaPrimary) {
    app.decorate('metrics', null)
    return
  }
  const metrics = createMetrics()
  app.decorate('metrics', metrics)

  app.addHook('onResponse', function (request, reply, done) {
    // The route pattern, not the path, so that /sessions/:id is one series; unknown paths share one.
    metrics.http.record(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  app.addHook('onError', function (request, reply, err, done) {
    const dependency = dependencyOf(err)
    if (dependency !== null) metrics.dependencyErrors.inc({ dependency, source: 'request' })
    done()
  })
  app.addHook('onReady', async function () {
    app.redis.on('error', () => metrics.dependencyErrors.inc({ dependency: 'redis', source: 'connection' }))
  })

  if (viaPrimary) {
    // Constructing one installs prom-client's IPC listener, which answers the primary with this registry.
    new AggregatorRegistry() // eslint-disable-line no-new
    AggregatorRegistry.setRegistries([metrics.registry])
    return
  }
  const server = await startMetricsServer(METRICS_HOST ?? HOST, METRICS_PORT, () => metrics.registry.metrics(), metrics.registry.contentType)
  app.log.info(`metrics at http://${METRICS_HOST ?? HOST}:${METRICS_PORT}/metrics`)
  app.addHook('onClose', async () => { await new Promise((resolve) => server.close(resolve)) })
}, { name: 'metrics', dependencies: ['config'] })
