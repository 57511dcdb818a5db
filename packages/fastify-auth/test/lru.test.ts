import t from 'tap'
import { SessionCache } from '../src/cache.js'
import type { SessionUser } from '../src/user.js'

// Pure unit test of the cache's LRU order (the Redis side is in cache.test.ts).
const user = (id: number) => ({ id }) as unknown as SessionUser
const FRESH = Number.MAX_SAFE_INTEGER

function store (cache: SessionCache, key: string) {
  const ticket = cache.begin(key, `user:${key}`)
  cache.set(ticket, user(key.length), FRESH)
  cache.end(ticket)
}

t.test('an entry used between every store is never evicted, however many others come and go', async (t) => {
  const cache = new SessionCache(8)
  store(cache, 'hot')
  for (let i = 0; i < 100; i++) {
    store(cache, `cold-${i}`)
    t.ok(cache.get('hot', 0), `still there after ${i + 1} other stores`)
    if (cache.get('hot', 0) === undefined) break
  }
  t.equal(cache.size, 8, 'bounded')
  t.equal(cache.get('cold-0', 0), undefined, 'the unused ones went first')
  t.ok(cache.get('cold-99', 0), 'the newest stays')
})

t.test('an entry never used again is evicted once max others are stored after it', async (t) => {
  const cache = new SessionCache(4)
  store(cache, 'once')
  cache.get('once', 0)
  for (let i = 0; i < 3; i++) store(cache, `other-${i}`)
  t.ok(cache.get('once', 0), 'four stored: all still there')
  for (let i = 3; i < 8; i++) store(cache, `other-${i}`)
  t.equal(cache.get('once', 0), undefined, 'gone once it is the least recently used')
})
