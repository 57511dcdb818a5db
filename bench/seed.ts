/*
 * Seeding, fast and through the same code the server runs: users go straight into MySQL with one
 * argon2id hash (the server's own parameters) shared by all, and their sessions are made by the
 * server's session store (src/sessions.ts), the very script POST /login runs after the password check.
 */
import mysql from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2'
import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../src/config/env.js'
import { createPasswordHasher } from '../src/passwords/hasher.js'
import { createSessionStore } from '../src/sessions/store.js'
import { naiveTokenKey, naiveUserKey } from './peers/naive-keys.js'

export const PASSWORD = 'bench password 1'

export interface BenchUser {
  id: number
  phoneNumber: string
  nickname: string
  registerTime: string
}

const phoneOf = (i: number) => `+1555${String(i).padStart(7, '0')}`

/** Inserts `count` users in one statement and returns them as stored. */
export async function seedUsers (mysqlUrl: string, count: number): Promise<BenchUser[]> {
  const passwordHash = await createPasswordHasher().hash(PASSWORD) // OWASP argon2id, as the server's
  const db = await mysql.createConnection({ uri: mysqlUrl, timezone: 'Z', charset: 'utf8mb4_unicode_ci' })
  try {
    const now = new Date()
    now.setMilliseconds(0)
    const rows = Array.from({ length: count }, (_, i) => [phoneOf(i), passwordHash, `bench ${i}`, now, now])
    await db.query('INSERT INTO user (phone_number, password_hash, nickname, register_time, password_changed_at) VALUES ?', [rows])
    const [stored] = await db.query<RowDataPacket[]>(
      'SELECT id, phone_number, nickname, register_time FROM user WHERE phone_number IN (?) ORDER BY id', [rows.map((row) => row[0])]
    )
    return stored.map((row) => ({
      id: Number(row.id),
      phoneNumber: String(row.phone_number),
      nickname: String(row.nickname),
      registerTime: (row.register_time as Date).toISOString()
    }))
  } finally {
    await db.end()
  }
}

/** One live session per user, with the server's default settings; returns their tokens. */
export async function seedSessions (redisUrl: string, users: BenchUser[]): Promise<string[]> {
  const config = loadConfig({})
  const redis = new Redis(redisUrl)
  try {
    const store = createSessionStore(redis, {
      ttlSeconds: config.SESSION_TTL_SECONDS,
      maxSessionsPerUser: config.MAX_SESSIONS_PER_USER,
      sliding: config.SESSION_SLIDING
    })
    const sessions = await Promise.all(users.map((user) => store.create(user, 'sesame-bench')))
    return sessions.map((session) => session.token)
  } finally {
    redis.disconnect()
  }
}

/**
 * The naive port's data for the same users (bench/peers/naive-port.ts): per user a token key holding
 * the user id, with the server's session TTL, and a hash of the public fields. Tokens look like
 * Sesame's (`<id>.<43-char secret>`), so requests are the same size. Returns the tokens, same order.
 */
export async function seedNaiveSessions (redisUrl: string, users: BenchUser[]): Promise<string[]> {
  const ttlSeconds = loadConfig({}).SESSION_TTL_SECONDS
  const redis = new Redis(redisUrl)
  try {
    const tokens = users.map((user) => `${user.id}.${randomBytes(32).toString('base64url')}`)
    const pipeline = redis.pipeline()
    users.forEach((user, i) => {
      pipeline.set(naiveTokenKey(tokens[i] ?? ''), String(user.id), 'EX', ttlSeconds)
      pipeline.hset(naiveUserKey(user.id), { phone_number: user.phoneNumber, nickname: user.nickname, register_time: user.registerTime })
    })
    const replies = await pipeline.exec()
    const failed = replies?.find(([err]) => err !== null)
    if (failed !== undefined) throw failed[0] ?? new Error('seeding the naive port failed')
    return tokens
  } finally {
    redis.disconnect()
  }
}
