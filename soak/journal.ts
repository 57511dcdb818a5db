/*
 * What the soak saw: fault windows, request counts by route and status, and invariant violations.
 * Every time is Date.now() in ms.
 */

/** What a fault disturbs: every request (redis, mysql), or only the requests sent to one instance. */
export type Scope = 'redis' | 'mysql' | 'instance'

export interface FaultWindow {
  kind: string
  scope: Scope
  start: number
  /** Infinity while the fault lasts. */
  end: number
  /** How long after `end` requests may still fail while clients reconnect. */
  grace: number
  instance?: number
  /**
   * Redis Cluster faults: replication is asynchronous, so a write acknowledged shortly before a failover
   * (or by a paused master that wakes before it learns it was replaced) may be lost. The model treats
   * what finished in such a window as unknown, rather than calling Redis' own behaviour a Sesame bug.
   */
  lossy: boolean
}

export interface Violation { kind: string, at: number, details: Record<string, unknown> }

/** How long before a lossy window a write may still be unreplicated. */
const REPLICATION_LAG_MS = 2000
/** After the windows an ambiguous request fell into have ended, how long its effects may still land. */
const SETTLE_MS = 3000
const KEPT_VIOLATIONS = 2000

export class Journal {
  startedAt = Date.now()
  readonly windows: FaultWindow[] = []
  readonly violations: Violation[] = []
  readonly violationCounts = new Map<string, number>()
  /** route → status label → count */
  readonly routes = new Map<string, Map<string, number>>()
  requests = 0

  open (kind: string, scope: Scope, grace: number, options: { instance?: number, lossy?: boolean } = {}): FaultWindow {
    const window: FaultWindow = { kind, scope, start: Date.now(), end: Infinity, grace, lossy: options.lossy ?? false }
    if (options.instance !== undefined) window.instance = options.instance
    this.windows.push(window)
    return window
  }

  close (window: FaultWindow) {
    window.end = Date.now()
  }

  private concerns (window: FaultWindow, instance: number | undefined, ignore: readonly Scope[]) {
    if (ignore.includes(window.scope)) return false
    return window.scope !== 'instance' || instance === undefined || window.instance === instance
  }

  /** Whether a request to `instance` (any instance when undefined) over [start, end] overlapped a fault window or its grace. */
  inFault (start: number, end: number, instance?: number, ignore: readonly Scope[] = []) {
    return this.windows.some((w) => this.concerns(w, instance, ignore) && start <= w.end + w.grace && end >= w.start)
  }

  /** Whether any fault is going on now (or its grace has not passed). */
  faultNow () {
    const now = Date.now()
    return this.inFault(now, now)
  }

  /**
   * The time until which a request that ended at `at` with an unknown outcome may still take effect: a command
   * sent to a paused server runs when it wakes, long after its request was answered.
   */
  settledBy (at: number) {
    let until = at
    for (const w of this.windows) {
      if (w.start <= at && at <= w.end + w.grace) until = Math.max(until, w.end + w.grace)
    }
    return until + SETTLE_MS
  }

  /** Whether a Redis write acknowledged at `at` may have been lost to a failover. */
  lossy (at: number) {
    return this.windows.some((w) => w.lossy && at >= w.start - REPLICATION_LAG_MS && at <= w.end + w.grace)
  }

  private readonly seen = new Set<string>()

  /** Records a violation once per `key`: the same stale value read again and again is one violation. */
  violateOnce (key: string, kind: string, details: Record<string, unknown>) {
    if (this.seen.has(`${kind} ${key}`)) return
    this.seen.add(`${kind} ${key}`)
    this.violate(kind, details)
  }

  violate (kind: string, details: Record<string, unknown>) {
    this.violationCounts.set(kind, (this.violationCounts.get(kind) ?? 0) + 1)
    if (this.violations.length < KEPT_VIOLATIONS) this.violations.push({ kind, at: Date.now() - this.startedAt, details })
    console.error(`VIOLATION ${kind} ${JSON.stringify(details)}`)
  }

  count (route: string, label: string) {
    this.requests++
    const byStatus = this.routes.get(route) ?? new Map<string, number>()
    this.routes.set(route, byStatus)
    byStatus.set(label, (byStatus.get(label) ?? 0) + 1)
  }

  /** Seconds since the start, for details. */
  t (at: number) {
    return Math.round(at - this.startedAt) / 1000
  }
}
