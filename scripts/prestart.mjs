// Runs before `npm start` and `npm run migrate`, which both run the compiled files in dist/.
// In a checkout with the dev dependencies (TypeScript), they are compiled first, as they always were, so
// `npm install && npm start` works from a fresh clone. In a release (scripts/release.sh: dist/ shipped,
// `npm ci --omit=dev`, no TypeScript) there is nothing to compile and dist/ is used as it is.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const resolveTsc = () => {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc')
  } catch {
    return null
  }
}

const tsc = existsSync('tsconfig.build.json') && existsSync('src') ? resolveTsc() : null
if (tsc !== null) {
  const { status } = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
  process.exit(status ?? 1)
}
if (!existsSync('dist/src/server.js')) {
  console.error('sesame: dist/ is missing and TypeScript is not installed, so nothing can be built here.\n' +
    'From a checkout: npm install (with the dev dependencies) and npm start builds it.\n' +
    'For production: scripts/release.sh build <folder> where the dev dependencies are installed, then\n' +
    'scripts/release.sh install and npm start in that folder (README, "Deploying").')
  process.exit(1)
}
