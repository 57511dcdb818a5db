import type { MySQLPromisePool } from '@fastify/mysql'
import type { ResultSetHeader, RowDataPacket } from 'mysql2'
import { DependencyTimeoutError } from '../http/dependency-failures.js'
import type { PoolConnection } from 'mysql2/promise'
import { withDeadline } from '../runtime/deadline.js'

const QUERY_TIMEOUT_MS = 1500

interface TotpRow extends RowDataPacket { secret: string, enabled_at: Date | null, last_step: number }

export interface TotpState { secret: string, enabled: boolean, lastStep: number }

/** The TOTP secret, whether it is on, the last time step accepted, and the hashed recovery codes. */
export function createTwoFactorRepository (db: MySQLPromisePool) {
  const run = <T extends RowDataPacket[] | ResultSetHeader>(sql: string, values: Array<string | number>) =>
    withDeadline(db.execute<T>({ sql, timeout: QUERY_TIMEOUT_MS }, values), QUERY_TIMEOUT_MS,
      () => new DependencyTimeoutError(`MySQL did not answer within ${QUERY_TIMEOUT_MS} ms`))
  const changed = async (sql: string, values: Array<string | number>) => (await run<ResultSetHeader>(sql, values))[0].affectedRows === 1

  return {
    async find (userId: number): Promise<TotpState | null> {
      const [rows] = await run<TotpRow[]>('SELECT secret, enabled_at, last_step FROM user_totp WHERE user_id = ?', [userId])
      const row = rows[0]
      return row === undefined ? null : { secret: row.secret, enabled: row.enabled_at !== null, lastStep: Number(row.last_step) }
    },

    /** A new secret waiting for its first code; an enabled secret is never replaced. */
    async setPending (userId: number, secret: string) {
      await run<ResultSetHeader>(`INSERT INTO user_totp (user_id, secret) VALUES (?, ?)
        ON DUPLICATE KEY UPDATE secret = IF(enabled_at IS NULL, VALUES(secret), secret), last_step = IF(enabled_at IS NULL, 0, last_step)`,
      [userId, secret])
    },

    /** Turns 2FA on with the step of the code that proved the secret, and replaces the recovery codes, in one transaction. */
    async enable (userId: number, step: number, codeHashes: string[], alsoInTransaction: (conn: PoolConnection) => Promise<void> = async () => {}) {
      const connection = await db.getConnection()
      try {
        await connection.beginTransaction()
        const [result] = await connection.execute<ResultSetHeader>(
          'UPDATE user_totp SET enabled_at = NOW(), last_step = ? WHERE user_id = ? AND enabled_at IS NULL AND last_step < ?',
          [step, userId, step])
        if (result.affectedRows !== 1) { await connection.rollback(); return false }
        await connection.execute('DELETE FROM user_recovery_code WHERE user_id = ?', [userId])
        await connection.query('INSERT INTO user_recovery_code (user_id, code_hash) VALUES ?', [codeHashes.map((hash) => [userId, hash])])
        await alsoInTransaction(connection)
        await connection.commit()
        return true
      } catch (err) {
        await connection.rollback().catch(() => {})
        throw err
      } finally {
        connection.release()
      }
    },

    /** Turns 2FA off inside the caller's transaction (with its 2fa.disabled event). */
    async disable (conn: PoolConnection, userId: number) {
      await conn.execute('DELETE FROM user_recovery_code WHERE user_id = ?', [userId])
      await conn.execute('DELETE FROM user_totp WHERE user_id = ?', [userId])
    },

    /** Accepts a time step once: only a step later than the last accepted one moves it (atomic in MySQL). */
    useStep: (userId: number, step: number) =>
      changed('UPDATE user_totp SET last_step = ? WHERE user_id = ? AND enabled_at IS NOT NULL AND last_step < ?', [step, userId, step]),

    useRecoveryCode: (userId: number, codeHash: string) =>
      changed('DELETE FROM user_recovery_code WHERE user_id = ? AND code_hash = ?', [userId, codeHash])
  }
}

export type TwoFactorRepository = ReturnType<typeof createTwoFactorRepository>
