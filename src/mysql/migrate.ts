import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Pool, PoolConnection } from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2'
import { MIGRATIONS_DIR } from '../config/project.js'
import { normalisePhoneNumbers, type UntouchedRow } from './phone-normalisation.js'

const MIGRATION_FILE = /^(\d+)_[\w-]+\.sql$/

/** Statements of a migration file; each file holds plain DDL separated by `;` at the end of a line. */
export const splitStatements = (sql: string) =>
  sql.split(/;\s*$/m).map((statement) => statement.trim()).filter((statement) => statement !== '')

export interface MigrateOptions {
  /** SPEC §2: the country national numbers in existing rows are read for. */
  defaultCountry?: string
  /** Told about every row a code step left untouched (for a person to fix). */
  onUntouched?: (rows: UntouchedRow[]) => void
}

/** Steps that SQL cannot express, run in version order among the files. */
const CODE_STEPS: Record<string, (connection: PoolConnection, options: MigrateOptions) => Promise<void>> = {
  '020_normalise_phone_numbers': async (connection, options) => {
    const untouched = await normalisePhoneNumbers(connection, options.defaultCountry)
    if (untouched.length > 0) options.onUntouched?.(untouched)
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, under a named lock so
 * that instances starting together take turns. Re-running is a no-op. Returns the versions applied.
 */
export async function migrate (db: Pick<Pool, 'getConnection'>, dir = MIGRATIONS_DIR, options: MigrateOptions = {}): Promise<string[]> {
  const files = [...(await readdir(dir)).filter((file) => MIGRATION_FILE.test(file)), ...Object.keys(CODE_STEPS)].sort()
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
        const step = CODE_STEPS[file]
        if (step !== undefined) await step(connection, options)
        else await runFile(connection, join(dir, file))
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

async function runFile (connection: PoolConnection, path: string) {
  for (const statement of splitStatements(await readFile(path, 'utf8'))) await connection.query(statement)
}
