import type { FastifyError } from 'fastify'
import { AppError, ERRORS, type ErrorName } from './errors.js'
import { isClientAbort, isDependencyFailure } from './dependency-failures.js'
import type { FailureBody } from '../schemas/envelope.js'

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

// Errors whose own message is fine to show: a client error from Fastify or one of its plugins.
const FROM_STATUS: Record<number, ErrorName> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited'
}

/** The envelope of a table entry, with the status the table gives it unless `statusCode` says otherwise. */
const failure = (error: ErrorName, message: string = ERRORS[error].message, statusCode: number = ERRORS[error].status): Failure =>
  ({ statusCode, body: { code: ERRORS[error].code, error, message }, headers: {} })

/** Maps any error a handler, hook or plugin throws to the envelope. Only 4xx keep their message. */
export function toFailure (err: unknown): Failure {
  if (!(err instanceof Error)) return failure('internal_error')
  if (err instanceof AppError) {
    return { statusCode: err.statusCode, body: { code: err.envelopeCode, error: err.error, message: err.message }, headers: err.headers }
  }
  const { code, statusCode = 500, validation } = err as Partial<FastifyError>
  if (validation !== undefined) return failure('validation_failed', err.message)
  // find-my-way answers 414 for an over-long path parameter; to a client it is just bad input.
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return failure('validation_failed', 'a path parameter is too long')
  const known = code === undefined ? undefined : FROM_FASTIFY[code]
  if (known !== undefined) {
    return failure(known, known === 'invalid_json' || known === 'payload_too_large' ? undefined : err.message, statusCode)
  }
  if (isClientAbort(err)) return failure('validation_failed', 'the client closed the connection before the request was complete', 400)
  if (isDependencyFailure(err)) return failure('service_unavailable')
  if (statusCode >= 400 && statusCode < 500) return failure(FROM_STATUS[statusCode] ?? 'validation_failed', err.message, statusCode)
  if (statusCode === 503) return failure('service_unavailable')
  return failure('internal_error')
}
