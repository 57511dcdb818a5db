import mysql from 'mysql2/promise'
import { loadConfig } from '../config/env.js'
import { startMissingServices } from '../dev/dev-services.js'
import { migrate } from './migrate.js'
import { describeUntouched } from './phone-normalisation.js'

// `npm run migrate`: applies pending migrations to MYSQL_URL, or to the private MariaDB that npm start uses.
async function main () {
  const { config, services } = await startMissingServices(loadConfig(process.env), { redis: false })
  const pool = mysql.createPool({ uri: config.MYSQL_URL, connectionLimit: 1, timezone: 'Z' })
  try {
    const applied = await migrate(pool, undefined, {
      defaultCountry: config.DEFAULT_COUNTRY,
      onUntouched: (rows) => {
        console.log(`phone numbers left untouched (${rows.length}); fix them by hand:`)
        for (const row of rows) console.log(`  ${describeUntouched(row)}`)
      }
    })
    console.log(applied.length === 0 ? 'migrations: nothing to apply' : `migrations applied: ${applied.join(', ')}`)
  } finally {
    await pool.end()
    await Promise.all(services.map((service) => service.stop()))
  }
}

main().catch((err: unknown) => {
  console.error(`sesame migrate: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
