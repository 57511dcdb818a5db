import t from 'tap'
import { sessionKeyOf, userKeys } from '../src/keys.js'

// The cache is keyed by sessionKeyOf, and Redis invalidates by the keys the scripts write (userKeys):
// if the two ever differed, a revoked session would stay in memory.
t.test('sessionKeyOf is the session key that userKeys names', async (t) => {
  for (const id of [1, 42, 2 ** 40 + 7]) {
    const digest = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg'
    t.equal(sessionKeyOf(id, digest), userKeys(id).sessionPrefix + digest)
  }
})
