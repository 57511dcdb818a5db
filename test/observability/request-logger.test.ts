import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { lazyRequestLogger } from '../../src/observability/request-logger.js'

// Pure unit test with a stand-in parent logger: what the lazy request logger asks of it, and when.
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

function parentAt (level: string) {
  const children: Array<{ bindings: unknown, lines: unknown[][] }> = []
  const logAt = (lines: unknown[][], at: string) => (...args: unknown[]) => { if (LEVELS.indexOf(at) >= LEVELS.indexOf(level)) lines.push([at, ...args]) }
  const make = (lines: unknown[][]): FastifyBaseLogger => ({
    level,
    fatal: logAt(lines, 'fatal'),
    error: logAt(lines, 'error'),
    warn: logAt(lines, 'warn'),
    info: logAt(lines, 'info'),
    debug: logAt(lines, 'debug'),
    trace: logAt(lines, 'trace'),
    silent: () => {},
    child: (bindings) => {
      const child = { bindings, lines: [] as unknown[][] }
      children.push(child)
      return make(child.lines)
    }
  })
  const parent = Object.assign(make([]), { isLevelEnabled: (at: string) => LEVELS.indexOf(at) >= LEVELS.indexOf(level) })
  return { parent, children }
}

t.test('no child logger until a line at an enabled level is written, then one, with the bindings', async (t) => {
  const { parent, children } = parentAt('warn')
  const log = lazyRequestLogger(parent, { reqId: 'r-1' }, {})
  log.info({ req: 'x' }, 'incoming request')
  log.debug('details')
  t.equal(children.length, 0, 'lines below the level make no child')
  t.equal(log.level, 'warn', 'the level is the parent\'s')
  log.warn({ err: 'e' }, 'shedding load')
  log.error('failed')
  t.equal(children.length, 1, 'the first enabled line makes the child, once')
  t.same(children[0]?.bindings, { reqId: 'r-1' })
  t.same(children[0]?.lines, [['warn', { err: 'e' }, 'shedding load'], ['error', 'failed']], 'both lines go through the child')
})

t.test('a route\'s own log level, or a child of the request logger, goes through the real child', async (t) => {
  const { parent, children } = parentAt('warn')
  const routeLevel = lazyRequestLogger(parent, { reqId: 'r-2' }, { level: 'info' })
  t.equal(routeLevel.level, 'info')
  routeLevel.info('hello')
  t.equal(children.length, 1, 'the child decides, at its own level')
  const nested = lazyRequestLogger(parent, { reqId: 'r-3' }, {}).child({ step: 1 })
  t.equal(children.length, 3, 'the request child, then its child')
  nested.warn('deep')
  t.same(children[2]?.lines, [['warn', 'deep']])
})
