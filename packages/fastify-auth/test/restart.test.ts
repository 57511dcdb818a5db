import t from 'tap'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis } from '../../../src/dev/local-services.js'
import { testServices } from '../../../test/support/helper.js'
import { instance, newUser, untilTrusted } from './support.js'

t.test('Redis restarted: the memory is flushed, nothing stale is served, and caching resumes', async (t) => {
  const { dataDir } = await testServices()
  const dir = join(dataDir, 'restarting-redis')
  let server = await startRedis({ dataDir: dir })
  t.teardown(() => server.stop())
  const a = await instance(t, 'redis', 1000, server.url)
  const user = newUser()
  await untilTrusted(a, user.id)
  const { token } = await a.create(user, 'test')
  t.ok(await a.resolve(token), 'cached before the restart')
  t.equal(a.resolver.cacheSize, 1)
  await server.stop()
  server = await startRedis({ dataDir: dir, port: server.port }) // no persistence: the session is gone
  t.equal(a.resolver.cacheSize, 0, 'flushed when the connections dropped')
  let answer: unknown = 'not yet'
  for (let i = 0; i < 200 && answer !== null; i++) {
    answer = await a.resolve(token).catch(() => 'error')
    t.not(answer !== null && answer !== 'error', true, 'the lost session is never served from memory')
    if (answer !== null) await sleep(25)
  }
  t.equal(answer, null, 'the session that Redis lost is refused')
  await untilTrusted(a, user.id)
  const fresh = await a.create(user, 'after')
  t.ok(await a.resolve(fresh.token))
  t.equal(a.resolver.cacheSize, 1, 'caching again on the restarted server')
})
