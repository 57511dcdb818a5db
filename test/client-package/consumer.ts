// An app's file, compiled by test/client-package.test.ts in a temporary project where only the packed
// @sesame/client tarball is installed (no typebox). Each @ts-expect-error must be needed: if the package's
// types degraded to `any`, the directive would be unused and tsc would fail with TS2578.
import { createSesameClient, SesameError, type LoginReply, type ErrorName } from '@sesame/client'

export async function app (baseUrl: string): Promise<string> {
  const sesame = createSesameClient({ baseUrl })
  // @ts-expect-error EXPECT phone_number is a string
  await sesame.register({ phone_number: 8613800138000, password: 'correct horse battery' })
  // @ts-expect-error EXPECT the password is required
  await sesame.login({ phone_number: '+8613800138000' })
  const reply: LoginReply = await sesame.login({ phone_number: '+8613800138000', password: 'correct horse battery' })
  const user = await sesame.getUser()
  // @ts-expect-error EXPECT the user id is a number
  const id: string = user.id
  // @ts-expect-error EXPECT not an error name of the API
  const name: ErrorName = 'no_such_error'
  try {
    await sesame.logout()
  } catch (err) {
    if (err instanceof SesameError && err.error === 'token_invalid') return name
  }
  return `${reply.token}${id}`
}
