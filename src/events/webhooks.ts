import { createHmac, randomUUID } from 'node:crypto'
import type { MySQLPromisePool } from '@fastify/mysql'
import type { RowDataPacket } from 'mysql2'
import type { PoolConnection } from 'mysql2/promise'

export const RETRY_FOR_MS = 24 * 3600_000
const LEASE_SECONDS = 30
const SEND_TIMEOUT_MS = 10_000
const BATCH = 20

/** `Sesame-Signature` for a body (SPEC §14), Stripe style: HMAC-SHA256 of "<t>.<raw body>". */
export const signature = (secret: string, body: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s … capped at one hour, each between 50% and 100% of that. */
export const backoffMs = (attempts: number, random = Math.random()) =>
  Math.round(Math.min(3600_000, 1000 * 2 ** Math.min(attempts, 22)) * (0.5 + random / 2))

interface OutboxRow extends RowDataPacket { id: number, payload: string, attempts: number, created_at: Date }

export interface WebhookMetrics { result: (result: 'delivered' | 'retried' | 'failed') => void, backlogAge: (seconds: number) => void }

export interface WebhookSettings {
  url: string
  secret: string
  metrics?: WebhookMetrics | undefined
  log: { warn: (o: object, m: string) => void }
}

/**
 * Delivers the outbox at least once. A batch is claimed with FOR UPDATE SKIP LOCKED and a lease in one short
 * transaction, so two instances never send one row together, and a crashed instance's rows come back when the
 * lease ends. A row whose earlier row of the same user is still pending is not claimed, so each user's events
 * arrive in id order. Requests only insert rows: a slow or failing receiver slows nothing but this loop.
 */
export function createWebhookWorker (db: MySQLPromisePool, settings: WebhookSettings) {
  const me = randomUUID()

  async function inTransaction<T> (work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await db.getConnection()
    try {
      await conn.beginTransaction()
      const result = await work(conn)
      await conn.commit()
      conn.release()
      return result
    } catch (err) {
      conn.destroy()
      throw err
    }
  }

  const claim = () => inTransaction(async (conn) => {
    const [rows] = await conn.query<OutboxRow[]>(`SELECT o.id, o.payload, o.attempts, o.created_at FROM webhook_outbox o
      WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= NOW(3)
        AND (o.lease_until IS NULL OR o.lease_until < NOW(3))
        AND (o.user_id IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.user_id = o.user_id AND p.id < o.id
          AND p.delivered_at IS NULL AND p.failed_at IS NULL))
      ORDER BY o.id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`)
    if (rows.length > 0) {
      await conn.query('UPDATE webhook_outbox SET lease_until = NOW(3) + INTERVAL ? SECOND, claimed_by = ? WHERE id IN (?)',
        [LEASE_SECONDS, me, rows.map((row) => row.id)])
    }
    return rows
  })

  async function send (row: OutboxRow) {
    try {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Sesame-Webhooks/1', 'sesame-signature': signature(settings.secret, row.payload) },
        body: row.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS)
      })
      await response.body?.cancel()
      if (response.status < 200 || response.status > 299) throw new Error(`receiver answered ${response.status}`)
      await db.query('UPDATE webhook_outbox SET delivered_at = NOW(3), lease_until = NULL, attempts = attempts + 1 WHERE id = ? AND claimed_by = ?', [row.id, me])
      settings.metrics?.result('delivered')
    } catch (err) {
      const giveUp = Date.now() - row.created_at.getTime() >= RETRY_FOR_MS
      await db.query(`UPDATE webhook_outbox SET attempts = attempts + 1, lease_until = NULL, last_error = ?,
        next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND, failed_at = ? WHERE id = ? AND claimed_by = ?`,
      [String((err as Error).message).slice(0, 255), backoffMs(row.attempts) * 1000, giveUp ? new Date() : null, row.id, me])
      settings.metrics?.result(giveUp ? 'failed' : 'retried')
      settings.log.warn({ err, outboxId: row.id, attempts: row.attempts + 1 }, giveUp ? 'webhook failed for 24 h; given up' : 'webhook delivery failed; will retry')
    }
  }

  /** One round: claims a batch and sends it (at most one row per user, so one user's rows never go at once). */
  async function tick () {
    const rows = await claim()
    await Promise.all(rows.map(send))
    const [[oldest]] = await db.query<RowDataPacket[]>('SELECT MIN(created_at) AS at FROM webhook_outbox WHERE delivered_at IS NULL AND failed_at IS NULL')
    settings.metrics?.backlogAge(oldest?.at instanceof Date ? Math.max(0, (Date.now() - oldest.at.getTime()) / 1000) : 0)
    return rows.length
  }

  return { tick, instanceId: me }
}
