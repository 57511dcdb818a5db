import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contactOf, type PackageLinks } from './contact.js'

/** The folder holding package.json, found the same way from src/ and from the compiled dist/src/. */
function findProjectRoot (start: string): string {
  let dir = start
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${start}`)
    dir = parent
  }
  return dir
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)))
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations')

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string, version: string } & PackageLinks
export const PROJECT_NAME = pkg.name
export const PROJECT_VERSION = pkg.version
/** Who to contact about Sesame, from package.json's bugs or repository (src/config/contact.ts). */
export const PROJECT_CONTACT = contactOf(pkg)
