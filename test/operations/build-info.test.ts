import t from 'tap'
import { build } from '../support/helper.js'
import { freePort } from '../../src/dev/local-services.js'
import { PROJECT_VERSION } from '../../src/config/project.js'

t.test('sesame_build_info carries the version and the Node version', async (t) => {
  const port = await freePort()
  await build(t, { METRICS_PORT: String(port) })
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  t.match(text, `sesame_build_info{version="${PROJECT_VERSION}",node="${process.version}"} 1`)
})
