import type { FastifyError } from 'fastify'
import { AppError } from './errors.js'
import { isDependencyFailure } from './dependency-errors.js'
import type { ErrorName, FailureBody } from './schemas/envelope.js'

export interface Failure {
  statusCode: number
  body: FailureBody
  headers: Record<string, string>
}

const FROM_FASTIFY: Record<string, ErrorName> = {
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_BAD_URL: 'validation_failed'
}

const FROM_STATUS: Record<number, ErrorName> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable'
}

const MESSAGES: Partial<Record<ErrorName, string>> = {
  invalid_json: 'the body is not valid JSON',
  payload_too_large: 'the body is larger than 16 KiB',
  service_unavailable: 'service temporarily unavailable, please retry',
  internal_error: 'internal server error'
}

const failure = (statusCode: number, error: ErrorName, message: string, headers: Record<string, string> = {}): Failure =>
  ({ statusCode, body: { code: 0, error, message }, headers })

/** Maps any error a handler, hook or plugin throws to the envelope. Only 4xx keep their message. */
export function toFailure (err: unknown): Failure {
  if (!(err instanceof Error)) return failure(500, 'internal_error', MESSAGES.internal_error ?? '')
  if (err instanceof AppError) {
    return { statusCode: err.statusCode, body: { code: err.code, error: err.error, message: err.message }, headers: err.headers }
  }
  const { code, statusCode = 500, validation } = err as Partial<FastifyError>
  if (validation !== undefined) return failure(400, 'validation_failed', err.message)
  // find-my-way answers 414 for an over-long path parameter; to a client it is just bad input.
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return failure(400, 'validation_failed', 'a path parameter is too long')
  const known = code === undefined ? undefined : FROM_FASTIFY[code]
  if (known !== undefined) return failure(statusCode, known, MESSAGES[known] ?? err.message)
  if (isDependencyFailure(err)) return failure(503, 'service_unavailable', MESSAGES.service_unavailable ?? '')
  if (statusCode >= 400 && statusCode < 500) {
    const name = FROM_STATUS[statusCode] ?? 'validation_failed'
    return failure(statusCode, name, err.message)
  }
  if (statusCode === 503) return failure(503, 'service_unavailable', MESSAGES.service_unavailable ?? '')
  return failure(500, 'internal_error', MESSAGES.internal_error ?? '')
}
