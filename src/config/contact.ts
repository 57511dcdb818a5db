// `info.contact` of the OpenAPI document, from package.json, so it is never made up: `bugs` (url and
// email) when set, else the issues page of `repository`, else the maintainers named by SECURITY.md.

export interface Contact { name: string, url?: string, email?: string }

export interface PackageLinks {
  repository?: string | { url?: string }
  bugs?: string | { url?: string, email?: string }
}

const HOSTS: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }

/** The web address of a package.json `repository` (npm's shorthands, git+https, ssh), or undefined. */
export function repositoryWebUrl (repository: PackageLinks['repository']): string | undefined {
  const spec = (typeof repository === 'string' ? repository : repository?.url)?.trim()
  if (spec === undefined || spec === '') return undefined
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(spec)
  if (shorthand !== null) return `https://${HOSTS[shorthand[1] ?? 'github']}/${strip(shorthand[2] ?? '')}`
  const scp = /^(?:ssh:\/\/)?git@([\w.-]+)[:/]([\w./-]+)$/.exec(spec)
  if (scp !== null) return `https://${scp[1]}/${strip(scp[2] ?? '')}`
  const url = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?([\w.-]+(?::\d+)?)\/([\w./-]+)$/.exec(spec)
  if (url !== null) return `https://${url[1]}/${strip(url[2] ?? '')}`
  return undefined
}

const strip = (path: string) => path.replace(/\.git$/, '').replace(/\/+$/, '')

export function contactOf (pkg: PackageLinks): Contact {
  const bugs = typeof pkg.bugs === 'string' ? { url: pkg.bugs } : pkg.bugs
  if (bugs?.url !== undefined || bugs?.email !== undefined) {
    return { name: 'Sesame issues', ...(bugs.url === undefined ? {} : { url: bugs.url }), ...(bugs.email === undefined ? {} : { email: bugs.email }) }
  }
  const repository = repositoryWebUrl(pkg.repository)
  if (repository !== undefined) return { name: 'Sesame issues', url: `${repository}/issues` }
  return { name: 'Sesame maintainers: see SECURITY.md in the source repository to report a problem' }
}
