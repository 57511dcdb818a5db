import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { onRequestHookHandler } from 'fastify'

export const REQUEST_ID_HEADER = 'x-request-id'

// What a proxy or client may hand us: short, and only characters that are safe in a log line and a header.
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/

/** The caller's x-request-id when it is sane, else a fresh UUID (never a per-process counter). */
export function requestIdOf (request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID()
}

/** onRequest hook: every reply carries the request id it was logged under. */
export const echoRequestId: onRequestHookHandler = function (request, reply, done) {
  reply.header(REQUEST_ID_HEADER, request.id)
  done()
}
