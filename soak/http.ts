/*
 * One request to one instance, with the checks that hold for every reply: JSON envelope; no 5xx outside
 * fault windows; inside them only 503 service_unavailable; no dropped connection outside them.
 */
import type { Journal, Scope } from './journal.js'

export interface Target { index: number, url: string }

/** ok: 2xx. rejected: a 4xx, nothing happened. unknown: 5xx, a dropped connection or no answer. not_sent: refused. */
export type Outcome = 'ok' | 'rejected' | 'unknown' | 'not_sent'

export interface Reply {
  status: number
  /** The status, or refused / reset / timeout. */
  label: string
  body: Record<string, unknown> | undefined
  start: number
  end: number
  instance: number
  outcome: Outcome
  inFault: boolean
  /** A 503 in the proper envelope: SPEC §5 says nothing changed. */
  clean503: boolean
}

export interface SendOptions {
  body?: unknown
  token?: string
  /** The route as counted in the summary, e.g. 'GET /user'. */
  route?: string
  /** Fault scopes this route does not depend on (GET /user needs only Redis, SPEC §5). */
  ignore?: readonly Scope[]
}

const TIMEOUT_MS = 10_000

function errorLabel (err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout'
  const code = (err as { cause?: { code?: string } }).cause?.code
  return code === 'ECONNREFUSED' ? 'refused' : `error:${code ?? (err instanceof Error ? err.message : 'unknown')}`
}

const isEnvelope = (body: Record<string, unknown> | undefined) =>
  body !== undefined && [0, 1, 2].includes(body.code as number) && typeof body.message === 'string'

export async function send (journal: Journal, target: Target, method: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'user-agent': 'sesame-soak' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.token !== undefined) headers.token = options.token
  const start = Date.now()
  let status = 0
  let label: string
  let body: Record<string, unknown> | undefined
  let text = ''
  try {
    const res = await fetch(target.url + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
    status = res.status
    label = String(status)
    text = await res.text()
    try { body = JSON.parse(text) as Record<string, unknown> } catch { body = undefined }
  } catch (err) {
    label = status === 0 ? errorLabel(err) : `${status}:body-lost`
    status = 0
  }
  const end = Date.now()
  const route = options.route ?? `${method} ${path}`
  journal.count(route, label)
  const inFault = journal.inFault(start, end, target.index, options.ignore)
  const clean503 = status === 503 && body?.code === 0 && body.error === 'service_unavailable' && typeof body.message === 'string'
  const where = { route, instance: target.index, status: label, at: journal.t(start), ms: end - start }
  if (status > 0 && !isEnvelope(body)) journal.violate('reply_not_in_envelope', { ...where, body: text.slice(0, 200) })
  if (status >= 500 && !inFault) journal.violate('5xx_outside_fault', { ...where, body: body ?? text.slice(0, 200) })
  if (status >= 500 && inFault && !clean503) journal.violate('non_503_failure_in_fault', { ...where, body: body ?? text.slice(0, 200) })
  if (status === 0 && !inFault) journal.violate('connection_failed_outside_fault', where)
  const outcome: Outcome = status >= 200 && status < 300
    ? 'ok'
    : status >= 400 && status < 500 ? 'rejected' : label === 'refused' ? 'not_sent' : 'unknown'
  return { status, label, body, start, end, instance: target.index, outcome, inFault, clean503 }
}
