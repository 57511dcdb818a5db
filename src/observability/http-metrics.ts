import type { Registry } from 'prom-client'

type Labels = { method: string, route: string, status_code: number }

/** One method, route and status: its count, latency sum, and latency counts per bucket (not cumulative). */
interface HttpSeries {
  labels: Labels
  count: number
  sum: number
  inBucket: number[]
}

interface MetricValue { labels: Record<string, string | number>, value: number, metricName?: string }

/** What prom-client's registry reads of a metric (its Registry and AggregatorRegistry call `get`). */
interface CollectedMetric {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  get: () => Promise<{ name: string, help: string, type: string, aggregator: 'sum', values: MetricValue[] }>
  reset: () => void
}

/**
 * sesame_http_requests_total and sesame_http_request_duration_seconds, in the Prometheus form of
 * prom-client's Counter and Histogram, but with a hot path of a few additions: a prom-client child
 * still checks and hashes its labels on every observe, ~2% of a cached GET /user's CPU profile (issue 12).
 * The registry reads the series at scrape time, and the primary sums the workers' as with any metric.
 */
const REQUESTS = 'sesame_http_requests_total'
const DURATION = 'sesame_http_request_duration_seconds'

export class HttpMetrics {
  readonly #series: HttpSeries[] = []
  /** route → method → status code → series: no key string is built per request. */
  readonly #byRoute = new Map<string, Map<string, Map<number, HttpSeries>>>()

  constructor (registry: Registry, readonly buckets: readonly number[]) {
    registry.registerMetric(this.#metric(REQUESTS, 'HTTP requests by method, route and status code', 'counter',
      () => this.#series.map((series) => ({ labels: { ...series.labels }, value: series.count }))))
    registry.registerMetric(this.#metric(DURATION, 'HTTP request latency by method, route and status code', 'histogram',
      () => this.#series.flatMap((series) => this.#histogramValues(series))))
  }

  /** One response: counted, and its latency in the histogram. */
  record (method: string, route: string, statusCode: number, seconds: number) {
    const series = this.#seriesOf(method, route, statusCode)
    series.count++
    series.sum += seconds
    for (let i = 0; i < this.buckets.length; i++) {
      if (seconds <= (this.buckets[i] ?? Infinity)) {
        series.inBucket[i] = (series.inBucket[i] ?? 0) + 1
        return
      }
    }
  }

  /** The series of a method, route and status; made on first use, then Map lookups of strings Fastify keeps. */
  #seriesOf (method: string, route: string, statusCode: number): HttpSeries {
    let byMethod = this.#byRoute.get(route)
    if (byMethod === undefined) this.#byRoute.set(route, byMethod = new Map())
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map())
    let series = byStatus.get(statusCode)
    if (series === undefined) {
      series = { labels: { method, route, status_code: statusCode }, count: 0, sum: 0, inBucket: this.buckets.map(() => 0) }
      byStatus.set(statusCode, series)
      this.#series.push(series)
    }
    return series
  }

  #histogramValues (series: HttpSeries): MetricValue[] {
    let cumulative = 0
    const values: MetricValue[] = this.buckets.map((le, i) => {
      cumulative += series.inBucket[i] ?? 0
      return { labels: { le, ...series.labels }, value: cumulative, metricName: `${DURATION}_bucket` }
    })
    values.push(
      { labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: `${DURATION}_bucket` },
      { labels: { ...series.labels }, value: series.sum, metricName: `${DURATION}_sum` },
      { labels: { ...series.labels }, value: series.count, metricName: `${DURATION}_count` }
    )
    return values
  }

  #metric (name: string, help: string, type: CollectedMetric['type'], values: () => MetricValue[]) {
    const metric: CollectedMetric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => {
        this.#series.length = 0
        this.#byRoute.clear()
      }
    }
    // Registry.registerMetric is typed for prom-client's own classes; it reads only these members.
    return metric as unknown as Parameters<Registry['registerMetric']>[0]
  }
}
