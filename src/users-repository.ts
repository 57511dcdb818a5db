import type { MySQLPromisePool } from '@fastify/mysql'
import type { ResultSetHeader, RowDataPacket } from 'mysql2'
import { DependencyTimeoutError } from './dependency-errors.js'

export interface UserRecord {
  id: number
  phoneNumber: string
  passwordHash: string
  nickname: string | null
  registerTime: Date
}

interface UserRow extends RowDataPacket {
  id: number
  phone_number: string
  password_hash: string
  nickname: string | null
  register_time: Date
}

export class PhoneTakenError extends Error {}

// A query that has not answered in this long fails (503) rather than holding the request.
const QUERY_TIMEOUT_MS = 1500
const sql = (text: string) => ({ sql: text, timeout: QUERY_TIMEOUT_MS })

/**
 * mysql2's `timeout` covers only the execution: not the wait for a pooled connection (which grows with
 * every request queued behind a hung server) nor the PREPARE of a statement new to the connection (which
 * waits forever on a hung server). So the whole call gets the same deadline.
 */
async function bounded<T> (work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(`MySQL did not answer within ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

const COLUMNS = 'id, phone_number, password_hash, nickname, register_time'

const toRecord = (row: UserRow): UserRecord => ({
  id: Number(row.id),
  phoneNumber: row.phone_number,
  passwordHash: row.password_hash,
  nickname: row.nickname,
  registerTime: row.register_time
})

const isDuplicateKey = (err: unknown) => (err as { code?: string } | null)?.code === 'ER_DUP_ENTRY'

export function createUsersRepository (db: MySQLPromisePool) {
  const findOne = async (where: string, value: string | number) => {
    const [rows] = await bounded(db.execute<UserRow[]>(sql(`SELECT ${COLUMNS} FROM user WHERE ${where} = ? LIMIT 1`), [value]))
    return rows[0] === undefined ? null : toRecord(rows[0])
  }

  return {
    findByPhone: (phoneNumber: string) => findOne('phone_number', phoneNumber),
    findById: (id: number) => findOne('id', id),

    async insert (user: { phoneNumber: string, passwordHash: string, nickname: string | null }): Promise<UserRecord> {
      const registerTime = new Date()
      registerTime.setMilliseconds(0)
      try {
        const [result] = await bounded(db.execute<ResultSetHeader>(
          sql('INSERT INTO user (phone_number, password_hash, nickname, register_time, password_changed_at) VALUES (?, ?, ?, ?, ?)'),
          [user.phoneNumber, user.passwordHash, user.nickname, registerTime, registerTime]
        ))
        return { ...user, id: Number(result.insertId), registerTime }
      } catch (err) {
        if (isDuplicateKey(err)) throw new PhoneTakenError('phone number taken', { cause: err })
        throw err
      }
    },

    async updateNickname (id: number, nickname: string | null) {
      await bounded(db.execute(sql('UPDATE user SET nickname = ? WHERE id = ?'), [nickname, id]))
    },

    async updatePasswordHash (id: number, passwordHash: string, changed: boolean) {
      const statement = changed
        ? 'UPDATE user SET password_hash = ?, password_changed_at = ? WHERE id = ?'
        : 'UPDATE user SET password_hash = ? WHERE id = ?'
      await bounded(db.execute(sql(statement), changed ? [passwordHash, new Date(), id] : [passwordHash, id]))
    }
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>
