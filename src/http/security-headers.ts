/**
 * The security headers of every reply, precomputed once (OWASP REST Security Cheat Sheet): no MIME
 * sniffing, no framing, HTTPS only, and no caching, since most replies carry a user's data (GET /user,
 * the sessions, a login's token) and the rest are cheap to make again.
 */
export const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer'
} as const

/** Only /docs serves HTML: its own scripts and styles (Swagger UI inlines styles), nothing else, never framed. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'"
].join('; ')
