import { Type, type Static, type TProperties } from '@sinclair/typebox'
import { ERROR_NAMES } from '../http/errors.js'

export { ERROR_NAMES, type ErrorName } from '../http/errors.js'

export const ErrorNameSchema = Type.Union(ERROR_NAMES.map((name) => Type.Literal(name)))

/** `1` success, `0` failure, `2` the token was sent but is not valid. */
export const Ok = <P extends TProperties>(data: P) =>
  Type.Object({ code: Type.Literal(1), message: Type.String(), ...data })

export const Failure = Type.Object({
  code: Type.Union([Type.Literal(0), Type.Literal(2)]),
  error: ErrorNameSchema,
  message: Type.String()
}, { title: 'Failure' })

export type FailureBody = Static<typeof Failure>

/** Response schemas of a route: its success shape plus the failure envelope for every 4xx and 5xx. */
export function replies<P extends TProperties, S extends number = 200> (data: P, status?: S) {
  return { [status ?? 200]: Ok(data), '4xx': Failure, '5xx': Failure } as
    { [K in S]: ReturnType<typeof Ok<P>> } & { '4xx': typeof Failure, '5xx': typeof Failure }
}
