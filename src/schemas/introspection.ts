import { Type } from '@sinclair/typebox'
import { User } from './common.js'

export const IntrospectBody = Type.Object({
  token: Type.String({ maxLength: 256, description: 'the Sesame token to check' })
})

/** RFC 7662's shape inside the envelope: a dead token is an answer (`active: false`), not an error. */
export const IntrospectData = {
  active: Type.Boolean(),
  user: Type.Optional(User),
  session_id: Type.Optional(Type.String()),
  expires_in: Type.Optional(Type.Integer({ description: 'seconds the session lives' }))
}

export const SERVICE_KEY_SECURITY: Array<Record<string, string[]>> = [{ serviceKey: [] }]
