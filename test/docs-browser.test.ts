import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { chromium, type Locator, type Page } from 'playwright-core'
import { build, newPhone, PASSWORD } from './support/helper.js'

// The /docs page as a person sees it: Debian's chromium (never a downloaded browser) driven by playwright-core.
const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('artifacts/', import.meta.url))
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

/** Every route of SPEC §2 except /docs itself, as Swagger UI names them. */
const SPEC_ROUTES = [
  'GET /', 'POST /register', 'POST /login', 'GET /user', 'PATCH /user', 'POST /user/password', 'GET /logout',
  'POST /logout', 'POST /logout/all', 'GET /sessions', 'DELETE /sessions/{id}', 'GET /health', 'GET /ready'
]
/** SPEC §9, listed too once this build has them. */
const SMS_ROUTES = ['POST /sms/code', 'POST /password/reset']

const operation = (page: Page, method: string, path: string) =>
  page.locator(`.opblock-${method.toLowerCase()}:has(.opblock-summary-path[data-path="${path}"])`)

/** Opens an operation, presses "Try it out", fills the JSON body if any, presses "Execute"; returns the live response. */
async function tryItOut (block: Locator, body?: object) {
  await block.locator('.opblock-summary').first().click()
  await block.getByRole('button', { name: 'Try it out' }).click()
  if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2))
  await block.getByRole('button', { name: 'Execute' }).click()
  const response = block.locator('.live-responses-table .response').first()
  await response.waitFor()
  return {
    status: (await response.locator('.response-col_status').innerText()).trim(),
    body: JSON.parse(await response.locator('.response-col_description pre').first().innerText()) as Record<string, unknown>
  }
}

t.test('the docs page lists every route and its "Try it out" registers and logs in', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it)`)
    return
  }
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.setDefaultTimeout(20_000)
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(err.message))

  const docs = await page.goto(`http://127.0.0.1:${port}/docs`)
  t.equal(docs?.status(), 200, '/docs answers')
  await page.locator('.opblock').first().waitFor()
  t.match(await page.locator('.info .title').innerText(), /Sesame/)

  const listed = await page.locator('.opblock').evaluateAll((blocks) => blocks.map((block) => {
    const method = block.querySelector('.opblock-summary-method')?.textContent ?? ''
    const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
    return `${method.trim()} ${path}`
  }))
  for (const route of SPEC_ROUTES) t.ok(listed.includes(route), `${route} is listed`)
  for (const route of SMS_ROUTES) {
    const [method = '', url = ''] = route.split(' ')
    if (app.hasRoute({ method, url })) t.ok(listed.includes(route), `${route} is listed`)
  }

  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: true })

  const phone = newPhone()
  const registered = await tryItOut(operation(page, 'POST', '/register'), { phone_number: phone, password: PASSWORD, nickname: 'Docs' })
  t.equal(registered.status, '201', 'POST /register from the page')
  t.match(registered.body, { code: 1, user: { phone_number: phone, nickname: 'Docs' } })

  const login = operation(page, 'POST', '/login')
  const loggedIn = await tryItOut(login, { phone_number: phone, password: PASSWORD })
  t.equal(loggedIn.status, '200', 'POST /login from the page')
  t.match(loggedIn.body, { code: 1, message: 'logon successful', token: String })
  const token = String(loggedIn.body.token)
  await login.screenshot({ path: join(ARTIFACTS, 'docs-login.png') })

  // The token the page just received works through the page's Authorize dialog.
  await page.locator('.auth-wrapper .authorize').first().click()
  const scheme = page.locator('.auth-container').filter({ hasText: 'token (apiKey)' })
  await scheme.locator('input').fill(token)
  await scheme.getByRole('button', { name: 'Apply credentials' }).click()
  await scheme.getByRole('button', { name: 'Remove authorization' }).waitFor()
  await page.locator('.dialog-ux .close-modal').click()
  const me = await tryItOut(operation(page, 'GET', '/user'))
  t.equal(me.status, '200', 'GET /user with the token from the page')
  t.match(me.body, { code: 1, phone_number: phone })

  t.same(pageErrors, [], 'no script errors on the page')
})
