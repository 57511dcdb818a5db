import type { MySQLPromisePool } from '@fastify/mysql'
import type { ResultSetHeader, RowDataPacket } from 'mysql2'
import type { PoolConnection } from 'mysql2/promise'
import { DependencyTimeoutError } from '../http/dependency-failures.js'
import { withDeadline } from '../runtime/deadline.js'

import type { StoredUser } from './user.js'

interface UserRow extends RowDataPacket {
  id: number
  phone_number: string
  password_hash: string
  nickname: string | null
  register_time: Date
  banned_at: Date | null
  phone_version: number
  nickname_version: number
}

export class PhoneTakenError extends Error {}

// A query that has not answered in this long fails (503) rather than holding the request.
const QUERY_TIMEOUT_MS = 1500

const COLUMNS = 'id, phone_number, password_hash, nickname, register_time, banned_at, phone_version, nickname_version'

const toStoredUser = (row: UserRow): StoredUser => ({
  id: Number(row.id),
  phoneNumber: row.phone_number,
  passwordHash: row.password_hash,
  nickname: row.nickname,
  registerTime: row.register_time.toISOString(),
  bannedAt: row.banned_at?.toISOString() ?? null,
  phoneVersion: Number(row.phone_version),
  nicknameVersion: Number(row.nickname_version)
})

const isDuplicateKey = (err: unknown) => (err as { code?: string } | null)?.code === 'ER_DUP_ENTRY'

export function createUsersRepository (db: Pick<MySQLPromisePool, 'execute'> | PoolConnection) {
  /**
   * One prepared statement under QUERY_TIMEOUT_MS. mysql2's `timeout` covers only the execution: not the
   * wait for a pooled connection (which grows with every request queued behind a hung server) nor the
   * PREPARE of a statement new to the connection (which waits forever on a hung server), so the whole
   * call gets the same deadline.
   */
  const run = <T extends RowDataPacket[] | ResultSetHeader>(sql: string, values: Array<string | number | Date | null>) =>
    withDeadline(db.execute<T>({ sql, timeout: QUERY_TIMEOUT_MS }, values), QUERY_TIMEOUT_MS,
      () => new DependencyTimeoutError(`MySQL did not answer within ${QUERY_TIMEOUT_MS} ms`))

  const findOne = async (where: string, value: string | number) => {
    const [rows] = await run<UserRow[]>(`SELECT ${COLUMNS} FROM user WHERE ${where} = ? LIMIT 1`, [value])
    return rows[0] === undefined ? null : toStoredUser(rows[0])
  }

  return {
    findByPhone: (phoneNumber: string) => findOne('phone_number', phoneNumber),
    findById: (id: number) => findOne('id', id),

    async insert (user: { phoneNumber: string, passwordHash: string, nickname: string | null }): Promise<StoredUser> {
      const registerTime = new Date()
      registerTime.setMilliseconds(0)
      try {
        const [result] = await run<ResultSetHeader>(
          'INSERT INTO user (phone_number, password_hash, nickname, register_time, password_changed_at) VALUES (?, ?, ?, ?, ?)',
          [user.phoneNumber, user.passwordHash, user.nickname, registerTime, registerTime]
        )
        return { ...user, id: Number(result.insertId), registerTime: registerTime.toISOString(), bannedAt: null, phoneVersion: 0, nicknameVersion: 0 }
      } catch (err) {
        if (isDuplicateKey(err)) throw new PhoneTakenError('phone number taken', { cause: err })
        throw err
      }
    },

    /** Bans (now) or unbans the user; false if there is no such user. */
    async setBanned (id: number, banned: boolean) {
      const [result] = await run<ResultSetHeader>('UPDATE user SET banned_at = ? WHERE id = ?', [banned ? new Date() : null, id])
      return result.affectedRows === 1
    },

    /** The row goes, not a flag (SPEC §10), with the rows that hang off it, in one statement. */
    async deleteById (id: number) {
      await run('DELETE u, t, r FROM user u LEFT JOIN user_totp t ON t.user_id = u.id ' +
        'LEFT JOIN user_recovery_code r ON r.user_id = u.id WHERE u.id = ?', [id])
    },

    /**
     * Moves the user to a new number (PhoneTakenError if another row has it) and returns the new
     * phone_version, read in the same statement through LAST_INSERT_ID(expr); null if there is no such user.
     */
    async changePhone (id: number, phoneNumber: string): Promise<number | null> {
      try {
        const [result] = await run<ResultSetHeader>(
          'UPDATE user SET phone_number = ?, phone_version = LAST_INSERT_ID(phone_version + 1) WHERE id = ?', [phoneNumber, id])
        return result.affectedRows === 1 ? Number(result.insertId) : null
      } catch (err) {
        if (isDuplicateKey(err)) throw new PhoneTakenError('phone number taken', { cause: err })
        throw err
      }
    },

    /** Undoes changePhone when the Redis half failed, unless a later change came in between. */
    async revertPhone (id: number, phoneNumber: string, version: number) {
      await run('UPDATE user SET phone_number = ?, phone_version = phone_version + 1 WHERE id = ? AND phone_version = ?', [phoneNumber, id, version])
    },

    /** Sets the nickname and returns its new nickname_version (read through LAST_INSERT_ID(expr)), or null if there is no such user. */
    async updateNickname (id: number, nickname: string | null): Promise<number | null> {
      const [result] = await run<ResultSetHeader>('UPDATE user SET nickname = ?, nickname_version = LAST_INSERT_ID(nickname_version + 1) WHERE id = ?', [nickname, id])
      return result.affectedRows === 1 ? Number(result.insertId) : null
    },

    async updatePasswordHash (id: number, passwordHash: string, changed: boolean) {
      if (changed) await run('UPDATE user SET password_hash = ?, password_changed_at = ? WHERE id = ?', [passwordHash, new Date(), id])
      else await run('UPDATE user SET password_hash = ? WHERE id = ?', [passwordHash, id])
    }
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>
