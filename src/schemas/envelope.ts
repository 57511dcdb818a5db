import { Type, type Static, type TProperties } from '@sinclair/typebox'
import { ERROR_NAMES } from '../http/errors.js'
import { IntegerEnum, ref, StringEnum } from './kinds.js'

export { ERROR_NAMES, type ErrorName } from '../http/errors.js'

/** Every `error` name of the table in src/http/errors.ts; a component schema of the OpenAPI document. */
export const ErrorNameSchema = StringEnum(ERROR_NAMES, {
  $id: 'ErrorName',
  title: 'ErrorName',
  description: 'the stable machine-readable reason of a failure (docs/API.md §1); `message` is for people'
})

/** `1` success, `0` failure, `2` the token was sent but is not valid. */
export const Ok = <P extends TProperties>(data: P) =>
  Type.Object({ code: IntegerEnum([1]), message: Type.String(), ...data })

/** Fields of every failure envelope; routes that add data to a failure (a challenge, checks) spread them. */
export const FailureFields = {
  code: IntegerEnum([0, 2], { description: '0: the request failed; 2: the token is not valid, log in again' }),
  error: ref(ErrorNameSchema),
  message: Type.String()
}

export const FailureSchema = Type.Object(FailureFields, { $id: 'Failure', title: 'Failure' })

/** The failure envelope, defined once (a component of the OpenAPI document) and referenced everywhere. */
export const Failure = ref(FailureSchema)

export type FailureBody = Static<typeof Failure>

/** Response schemas of a route: its success shape plus the failure envelope for every 4xx and 5xx. */
export function replies<P extends TProperties, S extends number = 200> (data: P, status?: S) {
  return { [status ?? 200]: Ok(data), '4xx': Failure, '5xx': Failure } as
    { [K in S]: ReturnType<typeof Ok<P>> } & { '4xx': typeof Failure, '5xx': typeof Failure }
}
