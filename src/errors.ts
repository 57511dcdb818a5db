import type { ErrorName } from './schemas/envelope.js'

/** An expected failure: carries the HTTP status, the envelope `code` and the stable `error` name. */
export class AppError extends Error {
  readonly statusCode: number
  readonly error: ErrorName
  readonly code: 0 | 2
  readonly headers: Record<string, string>

  constructor (statusCode: number, error: ErrorName, message: string, options: { code?: 0 | 2, headers?: Record<string, string> } = {}) {
    super(message)
    this.name = 'AppError'
    this.statusCode = statusCode
    this.error = error
    this.code = options.code ?? 0
    this.headers = options.headers ?? {}
  }
}

export const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'wrong phone number or password')
export const tokenRequired = () => new AppError(401, 'token_required', 'a token is required: send it in the token header or as Authorization: Bearer')
export const tokenInvalid = () => new AppError(401, 'token_invalid', 'the token is not valid; please log in again', { code: 2 })
export const notFound = (message = 'not found') => new AppError(404, 'not_found', message)
export const validationFailed = (message: string) => new AppError(400, 'validation_failed', message)
export const serviceUnavailable = (message = 'service temporarily unavailable, please retry') =>
  new AppError(503, 'service_unavailable', message)
export const rateLimited = (retryAfterSeconds: number) => new AppError(429, 'rate_limited', 'too many attempts, please retry later', {
  headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) }
})
export const phoneTaken = () => new AppError(409, 'phone_taken', 'this phone number is already registered')
export const smsCodeInvalid = () => new AppError(400, 'sms_code_invalid', 'the SMS code is wrong, expired or already used; ask for a new one')
