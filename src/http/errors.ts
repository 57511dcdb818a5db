/**
 * The one error table (docs/API.md §1): every `error` name with its HTTP status, envelope code and
 * default message. Every failure the API sends is built from it, through `fail`.
 */
export const ERRORS = {
  validation_failed: { status: 400, code: 0, message: 'the request is not valid' },
  invalid_json: { status: 400, code: 0, message: 'the body is not valid JSON' },
  payload_too_large: { status: 413, code: 0, message: 'the body is larger than 16 KiB' },
  unsupported_media_type: { status: 415, code: 0, message: 'the body must be JSON (Content-Type: application/json)' },
  not_found: { status: 404, code: 0, message: 'not found' },
  method_not_allowed: { status: 405, code: 0, message: 'this method is not allowed here' },
  invalid_credentials: { status: 401, code: 0, message: 'wrong phone number or password' },
  phone_taken: { status: 409, code: 0, message: 'this phone number is already registered' },
  token_required: { status: 401, code: 0, message: 'a token is required: send it in the token header or as Authorization: Bearer' },
  token_invalid: { status: 401, code: 2, message: 'the token is not valid; please log in again' },
  wrong_password: { status: 403, code: 0, message: 'the current password is wrong' },
  rate_limited: { status: 429, code: 0, message: 'too many attempts, please retry later' },
  sms_code_invalid: { status: 400, code: 0, message: 'the SMS code is wrong, expired or already used; ask for a new one' },
  service_unavailable: { status: 503, code: 0, message: 'service temporarily unavailable, please retry' },
  internal_error: { status: 500, code: 0, message: 'internal server error' },
  request_timeout: { status: 408, code: 0, message: 'the request did not arrive in time' },
  password_too_common: { status: 400, code: 0, message: 'this password is too common or has appeared in a data breach; choose another' },
  sms_not_allowed: { status: 400, code: 0, message: 'SMS codes cannot be sent to this country' },
  challenge_failed: { status: 400, code: 0, message: 'the challenge was not passed; try again' },
  second_factor_required: { status: 401, code: 0, message: 'enter the code from your authenticator app' },
  second_factor_invalid: { status: 401, code: 0, message: 'the two-factor code is wrong or expired' },
  account_banned: { status: 403, code: 0, message: 'this account has been suspended' },
  service_key_invalid: { status: 401, code: 0, message: 'a valid service key is required' }
} as const satisfies Record<string, { status: number, code: 0 | 2, message: string }>

export type ErrorName = keyof typeof ERRORS
export const ERROR_NAMES = Object.keys(ERRORS) as ErrorName[]

/** The largest request body, in bytes; its error message above says the same. */
export const BODY_LIMIT_BYTES = 16 * 1024

/** An expected failure, built from the table: HTTP status, envelope code and stable `error` name. */
export class AppError extends Error {
  readonly statusCode: number
  readonly error: ErrorName
  readonly envelopeCode: 0 | 2
  readonly headers: Record<string, string>

  constructor (error: ErrorName, message?: string, headers: Record<string, string> = {}) {
    super(message ?? ERRORS[error].message)
    this.name = 'AppError'
    this.error = error
    this.statusCode = ERRORS[error].status
    this.envelopeCode = ERRORS[error].code
    this.headers = headers
  }
}

/** A failure named in the table, with its default message unless one is given. */
export const fail = (error: ErrorName, message?: string, headers?: Record<string, string>) => new AppError(error, message, headers)

/** The one place `Retry-After` is built: whole seconds, at least 1. */
export const retryAfterHeader = (seconds: number) => ({ 'retry-after': String(Math.max(1, Math.ceil(seconds))) })

export const rateLimited = (retryAfterSeconds: number, message?: string) => fail('rate_limited', message, retryAfterHeader(retryAfterSeconds))
export const serviceUnavailable = (message?: string, retryAfterSeconds?: number) =>
  fail('service_unavailable', message, retryAfterSeconds === undefined ? {} : retryAfterHeader(retryAfterSeconds))
