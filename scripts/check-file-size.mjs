// npm test: no source file over 150 lines (STYLE §8). Split a file before it passes the limit.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const LIMIT = 150
const ROOTS = ['src', 'plugins', 'routes', 'client/src', 'packages/fastify-auth/src', 'examples']

const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name)
  return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
})

const tooLong = ROOTS.flatMap(files)
  .map((path) => ({ path, lines: readFileSync(path, 'utf8').trimEnd().split('\n').length }))
  .filter(({ lines }) => lines > LIMIT)
for (const { path, lines } of tooLong) console.error(`${path}: ${lines} lines (limit ${LIMIT})`)
if (tooLong.length > 0) process.exit(1)
console.log(`file size: every source file is at most ${LIMIT} lines`)
