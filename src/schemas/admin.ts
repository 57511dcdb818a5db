import { Type } from '@sinclair/typebox'
import { PhoneNumber, UserFields, UserId } from './common.js'
import { SessionFields } from './accounts.js'

export const ADMIN_KEY_SECURITY: Array<Record<string, string[]>> = [{ adminKey: [] }]

export const UserLookupQuery = Type.Object({ phone_number: PhoneNumber })

// Path parameters arrive as strings, and nothing is coerced: the id is checked by pattern and converted in the route.
export const UserIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'the user id' }) })

export const AdminUserData = {
  user: Type.Object({ ...UserFields, banned: Type.Boolean(), banned_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) }),
  sessions: Type.Array(Type.Object(withoutCurrent(SessionFields))),
  two_factor_enabled: Type.Boolean()
}

function withoutCurrent<F extends { current: unknown }> ({ current: _current, ...fields }: F) {
  return fields
}

export const RevokedData = { revoked: Type.Integer({ description: 'how many sessions ended' }) }

export { UserId }
