/** Log paths that may carry a secret; pino replaces their values with [Redacted]. */
export const LOG_REDACT_PATHS = [
  'req.headers.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.token',
  'headers.authorization',
  'body.password',
  'body.old_password',
  'body.new_password',
  'body.sms_code',
  'body.code',
  'body.challenge',
  'body.device_token',
  'token',
  'password',
  'sms_code',
  'secret',
  'challenge',
  'recovery_codes',
  'device_token',
  'otpauth_url'
]
