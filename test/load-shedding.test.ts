import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { build } from './support/helper.js'

const blockEventLoop = (ms: number) => {
  const until = Date.now() + ms
  while (Date.now() < until) { /* busy: nothing else runs */ }
}

t.test('an event loop lagging past MAX_EVENT_LOOP_DELAY_MS sheds requests with 503 in the envelope; /health and /ready still answer', async (t) => {
  const app = await build(t, { MAX_EVENT_LOOP_DELAY_MS: '20' })
  await app.ready()
  await sleep(1100) // readings count from two samples after ready
  let shed
  for (let attempt = 0; attempt < 10 && shed === undefined; attempt++) {
    blockEventLoop(300)
    await sleep(20) // lets under-pressure take its sample, which now includes the 300 ms stall
    const res = await app.inject({ method: 'GET', url: '/' })
    if (res.statusCode === 503) shed = res
  }
  if (shed === undefined) throw new Error('never shed load')
  t.same(shed.json(), { code: 0, error: 'service_unavailable', message: 'the server is overloaded, please retry' })
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, '/health answers under pressure')
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200, '/ready answers under pressure')
  await sleep(1200) // two quiet samples later the pressure is gone
  t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200, 'recovers by itself')
})

t.test('a heap above MAX_HEAP_USED_BYTES sheds every route but /health and /ready', async (t) => {
  const app = await build(t, { MAX_HEAP_USED_BYTES: '1' })
  await app.ready()
  await sleep(1300) // readings count from two samples after ready
  const res = await app.inject({ method: 'POST', url: '/login', payload: { phone_number: '+15550000001', password: 'whatever password' } })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 0, error: 'service_unavailable' })
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
})

t.test('readings taken while the app boots are ignored', async (t) => {
  const app = await build(t, { MAX_HEAP_USED_BYTES: '1' })
  await app.ready()
  t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200, 'served right after ready')
})

t.test('both limits at 0 turn load shedding off', async (t) => {
  const app = await build(t, { MAX_EVENT_LOOP_DELAY_MS: '0', MAX_HEAP_USED_BYTES: '0' })
  t.notOk(app.hasDecorator('isUnderPressure'))
  const app2 = await build(t)
  t.ok(app2.hasDecorator('isUnderPressure'), 'on by default (MAX_EVENT_LOOP_DELAY_MS=1000)')
})
