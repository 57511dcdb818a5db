import t from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { dependencyOf, isDependencyFailure } from '../../src/http/dependency-failures.js'
import { toFailure } from '../../src/http/to-failure.js'

/** The error Node gives a server whose client hangs up halfway through its body. */
async function hangUpError (): Promise<Error> {
  let seen: (err: Error) => void = () => {}
  const caught = new Promise<Error>((resolve) => { seen = resolve })
  const server = createServer((req: IncomingMessage) => { req.on('error', seen); req.resume() })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"phone_')
    setTimeout(() => socket.destroy(), 50)
  })
  const err = await caught
  server.close()
  return err
}

t.test('a client hanging up mid-body is no MySQL failure (SPEC §5)', async (t) => {
  const err = await hangUpError()
  t.match(err, { code: 'ECONNRESET', message: 'aborted' }, 'Node reports it as ECONNRESET')
  t.equal(isDependencyFailure(err), false)
  t.equal(dependencyOf(err), null, 'no dependency-error metric')
  t.equal(toFailure(err).statusCode, 400, 'a 4xx, so not logged at error level')
})

t.test('a MySQL socket reset still is one', async (t) => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' })
  t.equal(isDependencyFailure(reset), true)
  t.equal(dependencyOf(reset), 'mysql')
  t.equal(toFailure(reset).statusCode, 503)
})
