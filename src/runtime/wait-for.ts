import { setTimeout as sleep } from 'node:timers/promises'
import mysql from 'mysql2/promise'
import type { Cluster, Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'

/** A URL without its password, fit for a log line or an error message. */
export function redactUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/**
 * Waits until MySQL accepts a connection, retrying with a log line each time, for at most `seconds`.
 * Throws an error naming MySQL when it never does, so a missing database stops boot with a clear message.
 */
export async function waitForMysql (uri: string, seconds: number, log: FastifyBaseLogger): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  for (let attempt = 1; ; attempt++) {
    try {
      const connection = await mysql.createConnection({ uri, connectTimeout: 1000 })
      await connection.end()
      return
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      if (Date.now() + 500 >= deadline) throw new Error(`cannot reach MySQL at ${redactUrl(uri)} within ${seconds} s: ${reason}`)
      log.warn({ attempt, reason }, `waiting for MySQL at ${redactUrl(uri)}`)
      await sleep(500)
    }
  }
}

/** Waits until the ioredis client is ready, for at most `seconds`; otherwise disconnects it and throws naming Redis. */
export async function waitForRedis (client: Redis | Cluster, label: string, seconds: number, log: FastifyBaseLogger): Promise<void> {
  if (client.status === 'ready') return
  let lastReason = 'no answer'
  const onError = (err: Error) => {
    if (err.message !== lastReason) log.warn({ reason: err.message }, `waiting for Redis at ${label}`)
    lastReason = err.message
  }
  client.on('error', onError)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${label} within ${seconds} s: ${lastReason}`)), seconds * 1000)
      client.once('ready', () => { clearTimeout(timer); resolve() })
    })
  } catch (err) {
    client.disconnect()
    throw err
  } finally {
    client.off('error', onError)
  }
}
