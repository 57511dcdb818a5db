import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { limitConcurrency } from '../src/passwords/hasher.js'

t.test('limitConcurrency runs at most `limit` tasks at once, in arrival order, and survives failures', async (t) => {
  const limited = limitConcurrency(2)
  let running = 0
  let peak = 0
  const started: number[] = []
  const task = (i: number) => limited(async () => {
    started.push(i)
    peak = Math.max(peak, ++running)
    await sleep(5)
    running--
    if (i === 1) throw new Error('boom')
    return i
  })
  const results = await Promise.allSettled([0, 1, 2, 3, 4].map(task))
  t.equal(peak, 2)
  t.same(started, [0, 1, 2, 3, 4])
  t.same(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
  t.equal(await task(5), 5, 'a failed task gave its slot back')
})
