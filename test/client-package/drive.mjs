// Run by test/client-package.test.ts with node in the temporary project: the packed client's ESM build,
// imported by its package name, against a real Sesame at process.argv[2]. Prints what it saw as JSON.
import { createSesameClient, SesameError } from '@sesame/client'

const [baseUrl, phone, password] = process.argv.slice(2)
const sesame = createSesameClient({ baseUrl })
const seen = {}
seen.register = await sesame.register({ phone_number: phone, password })
seen.login = await sesame.login({ phone_number: phone, password })
seen.storedToken = (await sesame.getToken()) === seen.login.token
seen.user = await sesame.getUser()
seen.logout = await sesame.logout()
seen.tokenAfterLogout = await sesame.getToken()
try {
  await sesame.getUser()
} catch (err) {
  seen.afterLogout = err instanceof SesameError ? { error: err.error, code: err.code, status: err.status } : String(err)
}
process.stdout.write(JSON.stringify(seen))
