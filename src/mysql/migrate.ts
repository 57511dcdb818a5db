import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Pool } from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2'
import { MIGRATIONS_DIR } from '../config/project.js'

const MIGRATION_FILE = /^(\d+)_[\w-]+\.sql$/

/** Statements of a migration file; each file holds plain DDL separated by `;` at the end of a line. */
export const splitStatements = (sql: string) =>
  sql.split(/;\s*$/m).map((statement) => statement.trim()).filter((statement) => statement !== '')

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, under a named lock so
 * that instances starting together take turns. Re-running is a no-op. Returns the versions applied.
 */
export async function migrate (db: Pick<Pool, 'getConnection'>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((file) => MIGRATION_FILE.test(file)).sort()
  const connection = await db.getConnection()
  try {
    const [[lock]] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK('sesame_migrations', 30) AS acquired")
    if (lock?.acquired !== 1) throw new Error('could not take the migration lock within 30 s')
    try {
      await connection.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version VARCHAR(255) NOT NULL PRIMARY KEY,
        applied_at DATETIME NOT NULL
      ) DEFAULT CHARSET = utf8mb4`)
      const [rows] = await connection.query<RowDataPacket[]>('SELECT version FROM schema_migrations')
      const applied = new Set(rows.map((row) => String(row.version)))
      const done: string[] = []
      for (const file of files) {
        if (applied.has(file)) continue
        for (const statement of splitStatements(await readFile(join(dir, file), 'utf8'))) {
          await connection.query(statement)
        }
        await connection.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [file, new Date()])
        done.push(file)
      }
      return done
    } finally {
      await connection.query("SELECT RELEASE_LOCK('sesame_migrations')")
    }
  } finally {
    connection.release()
  }
}
