import type { MySQLPromisePool } from '@fastify/mysql'
import type { ResultSetHeader, RowDataPacket } from 'mysql2'
import type { PoolConnection } from 'mysql2/promise'
import { DependencyTimeoutError } from '../http/dependency-failures.js'
import { withDeadline } from '../runtime/deadline.js'
import { createUsersRepository, type UsersRepository } from '../users/repository.js'
import { stamp, type NewEvent, type SecurityEvent, type StampedEvent } from './types.js'

const QUERY_TIMEOUT_MS = 1500
const COMMIT_WAIT_MS = 8000
export const RETENTION_DAYS = 90
/** Delivered and failed outbox rows are kept this long, for support to look at. */
export const OUTBOX_KEEP_DAYS = 7
export const PAGE_SIZE = 50
/** The export holds every event kept, up to this many (90 days of a very busy account). */
export const EXPORT_EVENTS_MAX = 10_000

interface EventRow extends RowDataPacket {
  id: number, type: string, user_id: number | null, at: Date, ip: string | null, user_agent: string | null, data: string
}

const toEvent = (row: EventRow): SecurityEvent => ({
  id: Number(row.id),
  type: row.type,
  user_id: row.user_id === null ? null : Number(row.user_id),
  at: row.at.toISOString(),
  ip: row.ip,
  user_agent: row.user_agent,
  data: JSON.parse(row.data) as Record<string, unknown>
})

const timeout = () => new DependencyTimeoutError(`MySQL did not answer within ${QUERY_TIMEOUT_MS} ms`)
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000)

/** What a transaction's work gets: the users repository and the connection, both bound to the transaction. */
export interface Transaction { users: UsersRepository, conn: PoolConnection }

/** Security events in MySQL, each with its webhook outbox row (when webhooks are on) in the same transaction. */
export function createEventStore (db: MySQLPromisePool, options: { outbox: boolean }) {
  const exec = (conn: PoolConnection, sql: string, values: Array<string | number | Date | null>) =>
    withDeadline(conn.execute<ResultSetHeader>({ sql, timeout: QUERY_TIMEOUT_MS }, values), QUERY_TIMEOUT_MS, timeout)

  /**
   * Writes one event inside the caller's transaction; a uid already written is skipped, and so is an event of a
   * user who is gone (a logout racing the deletion): the user.deleted event is the last one a user has. The
   * user's row is locked first, so one user's events commit in id order and webhooks can keep that order.
   */
  async function insert (conn: PoolConnection, event: StampedEvent) {
    if (event.userId !== null && event.type !== 'user.deleted') {
      const [found] = await withDeadline(conn.execute<RowDataPacket[]>({ sql: 'SELECT id FROM user WHERE id = ? FOR UPDATE', timeout: QUERY_TIMEOUT_MS }, [event.userId]), QUERY_TIMEOUT_MS, timeout)
      if (found.length === 0) return
    }
    const [result] = await exec(conn, 'INSERT INTO event (uid, type, user_id, at, ip, user_agent, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id',
      [event.uid, event.type, event.userId, new Date(event.at), event.ip, event.userAgent, JSON.stringify(event.data)])
    if (result.affectedRows !== 1 || !options.outbox) return
    const id = Number(result.insertId)
    const payload: SecurityEvent = { id, type: event.type, user_id: event.userId, at: event.at, ip: event.ip, user_agent: event.userAgent, data: event.data }
    await exec(conn, 'INSERT INTO webhook_outbox (event_id, user_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, NOW(3))',
      [id, event.userId, JSON.stringify(payload), new Date(event.at)])
  }

  /**
   * Runs `work` in one transaction and commits it together with the events `events(result)` returns. On any
   * error the connection is destroyed before COMMIT is sent, so MySQL rolls everything back.
   */
  async function write<T> (work: (tx: Transaction) => Promise<T>, events: (result: T) => NewEvent[]): Promise<T> {
    const pending = db.getConnection()
    // A connection that arrives after the deadline goes back to the pool instead of leaking out of it.
    const conn = await withDeadline(pending, QUERY_TIMEOUT_MS, timeout)
      .catch((err: unknown) => { pending.then((late) => late.release(), () => {}); throw err })
    try {
      await withDeadline(conn.beginTransaction(), QUERY_TIMEOUT_MS, timeout)
      const result = await work({ users: createUsersRepository(conn), conn })
      for (const event of events(result)) await insert(conn, stamp(event))
      // Once COMMIT is sent, a 503 could be a lie (MySQL may apply it when it wakes), so its answer is awaited longer.
      await withDeadline(conn.commit(), COMMIT_WAIT_MS, timeout)
      conn.release()
      return result
    } catch (err) {
      conn.destroy()
      throw err
    }
  }

  return {
    write,
    insert,
    /** Writes stamped events in a transaction of their own (a Redis-only change, or events parked in Redis). */
    writeStamped: async (events: StampedEvent[]) => {
      await write(async ({ conn }) => { for (const event of events) await insert(conn, event) }, () => [])
    },

    /** Inside a deletion's transaction: every event and outbox row of the user goes (SPEC §10). */
    async forgetUser (conn: PoolConnection, userId: number) {
      await exec(conn, 'DELETE FROM event WHERE user_id = ?', [userId])
      await exec(conn, 'DELETE FROM webhook_outbox WHERE user_id = ?', [userId])
    },

    /** A user's events of the last 90 days, newest first; `before` (an event id) pages back. */
    async listForUser (userId: number, page: { before?: number | undefined, limit?: number } = {}): Promise<SecurityEvent[]> {
      const limit = Math.min(Math.max(page.limit ?? PAGE_SIZE, 1), EXPORT_EVENTS_MAX)
      const values: Array<number | Date> = [userId, daysAgo(RETENTION_DAYS)]
      if (page.before !== undefined) values.push(page.before)
      const [rows] = await withDeadline(db.query<EventRow[]>({
        sql: `SELECT id, type, user_id, at, ip, user_agent, data FROM event WHERE user_id = ? AND at >= ?${page.before === undefined ? '' : ' AND id < ?'} ORDER BY id DESC LIMIT ${limit}`,
        timeout: QUERY_TIMEOUT_MS
      }, values), QUERY_TIMEOUT_MS, timeout)
      return rows.map(toEvent)
    },

    /** One bounded round of the retention job: at most `limit` old events and old finished outbox rows. */
    async prune (limit = 1000) {
      const [events] = await db.query<ResultSetHeader>(`DELETE FROM event WHERE at < ? ORDER BY at LIMIT ${limit}`, [daysAgo(RETENTION_DAYS)])
      const [outbox] = await db.query<ResultSetHeader>(
        `DELETE FROM webhook_outbox WHERE created_at < ? AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL) LIMIT ${limit}`, [daysAgo(OUTBOX_KEEP_DAYS)])
      return events.affectedRows + outbox.affectedRows
    }
  }
}

export type EventStore = ReturnType<typeof createEventStore>
