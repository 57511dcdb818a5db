import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import type { FailureBody } from '../schemas/envelope.js'
import { toFailure } from './to-failure.js'
import { fail } from './errors.js'
import { API_HEADERS } from './security-headers.js'

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed percent-encoding in the
 * URL, an over-long path parameter) bypass the error handler, so they get the envelope here.
 */
export function replyFrameworkError (err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { statusCode, body, headers } = toFailure(err)
  request.log.info({ error: body.error, statusCode }, body.message)
  // No onRequest hook has run for these, the security headers' included; the body echoes the URL.
  reply.code(statusCode).headers({ ...API_HEADERS, ...headers }).send(body)
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (headers over 16 KiB, a NUL in a
 * header, a broken request line) never reaches Fastify, so the envelope is written to the socket here.
 */
export function writeClientError (err: Error & { code?: string }, socket: Socket) {
  // Not a socket: app.inject's stand-in (light-my-request) has no write or destroy, and nothing to write to.
  if (!(socket instanceof Socket) || err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, error, message]: [number, FailureBody['error'], string] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'validation_failed', 'the request headers are too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'the request did not arrive in time']
      : [400, 'validation_failed', 'malformed HTTP request']
  const body = JSON.stringify({ code: 0, error, message } satisfies FailureBody)
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(err)
}

/** onRequest hook: Node's own answer to an HTTP/1.1 request without Host is an empty 400 (`requireHostHeader` is off). */
export const requireHost: onRequestHookHandler = function (request, _reply, done) {
  if (request.raw.headers.host === undefined && request.raw.httpVersion === '1.1') done(fail('validation_failed', 'the Host header is required'))
  else done()
}

/** The server's `checkExpectation` listener: an `Expect` other than 100-continue gets 417 in the envelope. */
export function refuseExpectation (_request: IncomingMessage, response: ServerResponse) {
  const body = JSON.stringify({ code: 0, error: 'validation_failed', message: 'unsupported Expect header' } satisfies FailureBody)
  response.writeHead(417, { ...API_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
  response.end(body)
}

/**
 * onRequest hook factory for REQUEST_TIMEOUT_SECONDS: a request whose body has not fully arrived by then gets
 * 408 `request_timeout` and its connection closes. (Node's own `requestTimeout` did not cover a trickled body:
 * tried again in issue 12, the 408 came only once the body had ended.) A request without a body has arrived
 * with its headers, which Node's headersTimeout covers, so GET and HEAD pay for no timer.
 */
export function requestTimeout (ms: number): onRequestHookHandler {
  return function (request, reply, done) {
    const { headers } = request.raw
    if (headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0')) {
      done()
      return
    }
    const timer = setTimeout(() => {
      // readableEnded: an injected request (light-my-request) never sets `complete`, but its body has been read.
      if (request.raw.complete || request.raw.readableEnded || reply.sent) return
      request.log.info('request body did not arrive in time')
      writeClientError(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), request.raw.socket)
    }, ms).unref()
    reply.raw.once('close', () => clearTimeout(timer))
    done()
  }
}
