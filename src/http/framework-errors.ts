import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { FailureBody } from '../schemas/envelope.js'
import { toFailure } from './to-failure.js'

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed percent-encoding in the
 * URL, an over-long path parameter) bypass the error handler, so they get the envelope here.
 */
export function replyFrameworkError (err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { statusCode, body, headers } = toFailure(err)
  request.log.info({ error: body.error, statusCode }, body.message)
  // helmet's onRequest hook has not run for these; the body echoes the URL, so at least forbid sniffing it as HTML.
  reply.code(statusCode).headers({ ...headers, 'x-content-type-options': 'nosniff' }).send(body)
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (headers over 16 KiB, a NUL in a
 * header, a broken request line) never reaches Fastify, so the envelope is written to the socket here.
 */
export function writeClientError (err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'the request headers are too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'the request did not arrive in time'] : [400, 'malformed HTTP request']
  const body = JSON.stringify({ code: 0, error: 'validation_failed', message } satisfies FailureBody)
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(err)
}
