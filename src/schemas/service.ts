import { Type } from '@sinclair/typebox'
import { FailureFields } from './envelope.js'
import { IntegerEnum, StringEnum } from './kinds.js'

export const ServiceInfo = {
  name: Type.String(),
  version: Type.String()
}

const CheckResult = StringEnum(['ok', 'down'])

export const Checks = Type.Object({ mysql: CheckResult, redis: CheckResult })

/** The 503 of GET /ready: the failure envelope with the dependency checks. */
export const NotReady = Type.Object({ ...FailureFields, code: IntegerEnum([0]), checks: Checks }, { title: 'NotReady' })
