// What to tell someone whose machine lacks the dev servers and where Sesame cannot install them itself
// (it runs apt-get only as root on Debian or Ubuntu): the command for their package manager, or the
// alternative that works everywhere, servers of their own through MYSQL_URL and REDIS_URL.

export type Server = 'mariadb' | 'redis'

interface Manager { binary: string, command: (packages: string[]) => string, packages: Record<Server, string> }

/** In the order they are looked for: the first one found on the machine is the one suggested. */
const MANAGERS: Manager[] = [
  { binary: 'apt-get', command: (p) => `sudo apt-get install ${p.join(' ')}`, packages: { mariadb: 'mariadb-server', redis: 'redis-server' } },
  { binary: 'dnf', command: (p) => `sudo dnf install ${p.join(' ')}`, packages: { mariadb: 'mariadb-server', redis: 'redis' } },
  { binary: 'yum', command: (p) => `sudo yum install ${p.join(' ')}`, packages: { mariadb: 'mariadb-server', redis: 'redis' } },
  { binary: 'zypper', command: (p) => `sudo zypper install ${p.join(' ')}`, packages: { mariadb: 'mariadb', redis: 'redis' } },
  { binary: 'pacman', command: (p) => `sudo pacman -S ${p.join(' ')}`, packages: { mariadb: 'mariadb', redis: 'redis' } },
  { binary: 'apk', command: (p) => `sudo apk add ${p.join(' ')}`, packages: { mariadb: 'mariadb', redis: 'redis' } },
  { binary: 'brew', command: (p) => `brew install ${p.join(' ')}`, packages: { mariadb: 'mariadb', redis: 'redis' } }
]

const NAMES: Record<Server, string> = { mariadb: 'MariaDB (mariadbd or mysqld)', redis: 'Redis (redis-server)' }
const URLS: Record<Server, string> = { mariadb: 'MYSQL_URL=mysql://user:password@host:3306/sesame', redis: 'REDIS_URL=redis://host:6379' }

/**
 * The message for `missing` servers. `has(binary)` says whether a program is on the machine; `root`
 * whether this process could install packages itself.
 */
export function installAdvice (missing: Server[], has: (binary: string) => boolean, root: boolean): string {
  const manager = MANAGERS.find((m) => has(m.binary))
  const lines = [`sesame: ${missing.map((s) => NAMES[s]).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, and npm start runs them itself when no URL is set.`]
  if (manager !== undefined) {
    const command = manager.command(missing.map((s) => manager.packages[s]))
    lines.push(`Install ${missing.length > 1 ? 'them' : 'it'}: ${root ? command.replace(/^sudo /, '') : command}`)
  } else {
    lines.push(`Install ${missing.length > 1 ? 'them' : 'it'} with your system's package manager (no apt-get, dnf, yum, zypper, pacman, apk or brew was found).`)
  }
  lines.push(`Or use servers you already run (a container, a managed service): set ${missing.map((s) => URLS[s]).join(' and ')}.`)
  return lines.join('\n')
}
