import t from 'tap'
import { createRouteIndex } from '../../src/http/route-index.js'

t.test('methods per path, parameters and trailing slashes included', async (t) => {
  const routes = createRouteIndex()
  routes.add(['GET', 'POST'], '/logout')
  routes.add('DELETE', '/sessions/:id')
  routes.add('GET', '/docs/*')
  t.same(routes.methodsFor('/logout'), ['GET', 'POST'])
  t.same(routes.methodsFor('/logout?x=1'), ['GET', 'POST'])
  t.same(routes.methodsFor('/sessions/abc'), ['DELETE'])
  t.same(routes.methodsFor('/sessions'), [])
  t.same(routes.methodsFor('/docs/x'), [], 'wildcards are not indexed')
})
