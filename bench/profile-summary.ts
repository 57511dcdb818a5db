/*
 * node dist/bench/profile-summary.js <file.cpuprofile | folder> [top]
 * Prints the functions with the most self time in a V8 CPU profile (the newest one in a folder),
 * and the same grouped by package, so the top costs of a run can be pasted into bench/README.md.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}
interface Profile { nodes: ProfileNode[], samples: number[] }

async function newestProfile (path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return path
  const files = (await readdir(path)).filter((file) => file.endsWith('.cpuprofile')).sort()
  const newest = files.at(-1)
  if (newest === undefined) throw new Error(`no .cpuprofile in ${path}`)
  return join(path, newest)
}

/** node_modules/<package>, node:internal, the app's own folder, or the V8 pseudo-frame. */
function ownerOf (url: string, name: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (pkg !== undefined) return pkg
  if (url.startsWith('node:')) return 'node core'
  if (url === '') return name.startsWith('(') ? name : 'native'
  return /\/dist\/([^/]+)\//.exec(url)?.[1] ?? 'other'
}

const frameName = (node: ProfileNode | undefined) => {
  const { functionName, url, lineNumber } = node?.callFrame ?? { functionName: '?', url: '', lineNumber: 0 }
  const where = url === '' ? '' : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
  return (functionName === '' ? '(anonymous)' : functionName) + where
}

/** Sesame's own code: what it costs including everything it calls. */
const isOwnCode = (url: string) => url.startsWith('file://') && /\/dist\/(src|plugins|routes)\//.test(url)

const percent = (part: number, whole: number) => `${(100 * part / whole).toFixed(1).padStart(5)} %`

function printTop (title: string, totals: Map<string, number>, samples: number, top: number) {
  console.log(`\n${title}`)
  for (const [key, hits] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${percent(hits, samples)}  ${key}`)
}

async function main () {
  const [target = join('bench', 'profiles'), topArg = '25'] = process.argv.slice(2)
  const file = await newestProfile(target)
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const hits = new Map<number, number>()
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1)
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const byFunction = new Map<string, number>()
  const byOwner = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, count: number) => map.set(key, (map.get(key) ?? 0) + count)
  for (const [id, count] of hits) {
    const node = byId.get(id)
    add(byFunction, frameName(node), count)
    add(byOwner, ownerOf(node?.callFrame.url ?? '', node?.callFrame.functionName ?? ''), count)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)
      if (frame !== undefined && isOwnCode(frame.callFrame.url)) seen.add(frameName(frame))
    }
    for (const name of seen) add(inclusive, name, count)
  }
  const samples = profile.samples.length
  console.log(`${file}: ${samples} samples`)
  printTop('self time by function', byFunction, samples, Number(topArg))
  printTop('self time by package', byOwner, samples, Number(topArg))
  printTop('Sesame\'s own functions, including what they call', inclusive, samples, Number(topArg))
}

await main()
