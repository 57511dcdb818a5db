import t from 'tap'
import { installAdvice } from '../../src/dev/install-advice.js'

// Issue 14 item 8: users who are not root, or not on Debian or Ubuntu, get the command for their system.
const on = (...binaries: string[]) => (binary: string) => binaries.includes(binary)

t.test('Debian or Ubuntu, not root: the sudo apt-get command', async (t) => {
  const advice = installAdvice(['mariadb', 'redis'], on('apt-get'), false)
  t.match(advice, /MariaDB \(mariadbd or mysqld\) and Redis \(redis-server\) are not installed/)
  t.match(advice, /Install them: sudo apt-get install mariadb-server redis-server\n/)
  t.match(advice, /set MYSQL_URL=mysql:\/\/\S+ and REDIS_URL=redis:\/\/\S+\.$/)
})

t.test('Fedora and RHEL, Arch, Alpine, macOS: their own package manager and package names', async (t) => {
  t.match(installAdvice(['mariadb', 'redis'], on('dnf', 'yum'), false), /sudo dnf install mariadb-server redis\n/)
  t.match(installAdvice(['mariadb', 'redis'], on('pacman'), false), /sudo pacman -S mariadb redis\n/)
  t.match(installAdvice(['redis'], on('apk'), true), /Install it: apk add redis\n/, 'root needs no sudo')
  t.match(installAdvice(['mariadb'], on('brew'), false), /Install it: brew install mariadb\n/)
})

t.test('only what is missing is named, and no package manager found still says what to do', async (t) => {
  const advice = installAdvice(['redis'], on(), false)
  t.match(advice, /^sesame: Redis \(redis-server\) is not installed/)
  t.notMatch(advice, /MariaDB|MYSQL_URL/)
  t.match(advice, /with your system's package manager/)
  t.match(advice, /set REDIS_URL=redis:\/\/host:6379\.$/)
})
