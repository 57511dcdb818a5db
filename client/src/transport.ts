import { SesameAbortError, SesameError, SesameNetworkError } from './errors.js'
import type { FailureBody } from './types.js'

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call; it then rejects with `SesameAbortError`. */
  signal?: AbortSignal
  /** Milliseconds to wait for the whole answer (0: no limit); overrides the client's `timeoutMs`. */
  timeoutMs?: number
}

export interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  body?: object
  token: string | null
  options: CallOptions
  /** Sent as Accept-Language, so that `message` comes in the device's language (e.g. `zh-CN`). */
  language?: string
}

export type FetchFunction = typeof globalThis.fetch

/** One AbortSignal for the caller's signal and the deadline, without AbortSignal.any/timeout (absent on Hermes). */
function deadline (outer: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  const forward = () => controller.abort(outer?.reason)
  if (outer?.aborted === true) forward()
  else outer?.addEventListener('abort', forward, { once: true })
  const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; controller.abort() }, timeoutMs) : undefined
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done () {
      clearTimeout(timer)
      outer?.removeEventListener('abort', forward)
    }
  }
}

function retryAfterSeconds (header: string | null): number | undefined {
  if (header === null) return undefined
  if (/^\s*\d+\s*$/.test(header)) return Number(header)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

function isFailure (body: unknown): body is FailureBody {
  if (typeof body !== 'object' || body === null) return false
  const { code, error, message } = body as Record<string, unknown>
  return (code === 0 || code === 2) && typeof error === 'string' && typeof message === 'string'
}

function isSuccess (body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).code === 1
}

/**
 * Sends one request and returns the success envelope, or throws: `SesameError` for a failure envelope,
 * `SesameNetworkError` when no envelope came back, `SesameAbortError` when the caller aborted.
 * The reply is typed by the caller from the route's schema; the server serializes through that schema.
 */
export async function send<T> (fetchImpl: FetchFunction, baseUrl: string, defaultTimeoutMs: number, request: Request): Promise<T> {
  const { method, path, body, token, options, language } = request
  const what = `${method} ${path}`
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (language !== undefined && language !== '') headers['accept-language'] = language

  const limit = deadline(options.signal, timeoutMs)
  let status: number
  let text: string
  let retryAfter: number | undefined
  try {
    const init: RequestInit = { method, headers, signal: limit.signal }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await fetchImpl(baseUrl + path, init)
    status = response.status
    retryAfter = retryAfterSeconds(response.headers.get('retry-after'))
    text = await response.text() // inside the deadline too: a stalled body times out like a stalled head
  } catch (err) {
    if (options.signal?.aborted === true) throw new SesameAbortError(options.signal.reason)
    if (limit.timedOut()) throw new SesameNetworkError('timeout', `${what}: no answer within ${timeoutMs} ms`, { cause: err })
    throw new SesameNetworkError('network', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  } finally {
    limit.done()
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new SesameNetworkError('invalid_response', `${what}: HTTP ${status} without a JSON body`, { cause: err, status })
  }
  if (isSuccess(parsed) && status < 400) return parsed as T
  if (isFailure(parsed)) throw new SesameError(status, parsed, retryAfter)
  throw new SesameNetworkError('invalid_response', `${what}: HTTP ${status} is not a Sesame envelope`, { status })
}
