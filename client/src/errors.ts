import type { ErrorName, FailureBody, NotReadyBody, SecondFactorRequiredBody } from './types.js'

/** Sesame answered with a failure envelope (`code` 0, or 2 when the token is no longer valid). */
export class SesameError extends Error {
  override readonly name = 'SesameError'
  /** 0: the request failed; 2: the token is not valid, the app should show its login screen. */
  readonly code: 0 | 2
  /** The stable machine-readable reason, one of the spec's error names. */
  readonly error: ErrorName
  /** The HTTP status. */
  readonly status: number
  /** Whole seconds from the `Retry-After` header (429 `rate_limited`, some 503s). */
  readonly retryAfter: number | undefined
  /** The whole failure body; `GET /ready` adds `checks` to it, a login's `second_factor_required` its `challenge`. */
  readonly body: FailureBody | NotReadyBody | SecondFactorRequiredBody

  constructor (status: number, body: FailureBody | NotReadyBody | SecondFactorRequiredBody, retryAfter?: number) {
    super(body.message)
    this.code = body.code
    this.error = body.error
    this.status = status
    this.retryAfter = retryAfter
    this.body = body
  }
}

export type NetworkFailure =
  | 'network' // no connection, DNS failure, connection reset
  | 'timeout' // no complete answer within the call's timeout
  | 'invalid_response' // an answer that is not Sesame's JSON envelope (a proxy's HTML error page, say)

/** No usable answer from Sesame: the request may or may not have reached it. */
export class SesameNetworkError extends Error {
  override readonly name = 'SesameNetworkError'
  readonly reason: NetworkFailure
  /** The HTTP status when an answer came but could not be read as an envelope. */
  readonly status: number | undefined

  constructor (reason: NetworkFailure, message: string, options: { cause?: unknown, status?: number } = {}) {
    super(message, { cause: options.cause })
    this.reason = reason
    this.status = options.status
  }
}

/** The caller's `AbortSignal` fired. Named `AbortError` like the platform's, so existing checks keep working. */
export class SesameAbortError extends Error {
  override readonly name = 'AbortError'

  constructor (reason: unknown) {
    super('the request was aborted', { cause: reason })
  }
}
