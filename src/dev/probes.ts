// Is a server answering on a loopback port? Used to wait for the private dev servers, and to decide
// whether one already running on the data folder can be reused (src/dev/running.ts).
import { createConnection, createServer } from 'node:net'
import mysql from 'mysql2/promise'

/** Resolves when a Redis server on `port` answers PING. */
export const redisPing = (port: number) => new Promise<void>((resolve, reject) => {
  const socket = createConnection({ host: '127.0.0.1', port })
  socket.setTimeout(1000, () => socket.destroy(new Error('timeout')))
  socket.once('connect', () => socket.write('PING\r\n'))
  socket.once('data', (data) => {
    socket.destroy()
    if (data.toString().startsWith('+PONG')) resolve()
    else reject(new Error(data.toString().trim()))
  })
  socket.once('error', reject)
})

/** Resolves when MariaDB on `port` lets root in (no password) and creates `database` if it is missing. */
export async function mariadbReady (port: number, database: string) {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 })
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  } finally {
    await connection.end()
  }
}

/** true when `probe` succeeds. */
export const answers = async (probe: () => Promise<void>) => await probe().then(() => true, () => false)

/** true when nothing listens on 127.0.0.1:`port` (so a server may take it). */
export const portFree = (port: number) => new Promise<boolean>((resolve) => {
  const server = createServer()
  server.once('error', () => resolve(false))
  server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
})
