import { ErrorNameSchema, FailureSchema } from './envelope.js'
import { UserSchema } from './common.js'
import { SessionSchema } from './accounts.js'
import { SecondFactorRequiredSchema } from './two-factor.js'

/**
 * The shared schemas, each with an `$id`: plugins/schemas.ts adds them once with `app.addSchema`, route
 * schemas point at them with `ref()` (src/schemas/kinds.ts), and the OpenAPI document lists them under
 * `components.schemas` by that id, so a generator names its types `User`, `Session`, `Failure`, `ErrorName`.
 */
export const COMPONENT_SCHEMAS = [ErrorNameSchema, FailureSchema, UserSchema, SessionSchema, SecondFactorRequiredSchema]
