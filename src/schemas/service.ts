import { Type } from '@sinclair/typebox'
import { ErrorNameSchema } from './envelope.js'

export const ServiceInfo = {
  name: Type.String(),
  version: Type.String()
}

export const Checks = Type.Object({
  mysql: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  redis: Type.Union([Type.Literal('ok'), Type.Literal('down')])
})

export const NotReady = Type.Object({
  code: Type.Literal(0),
  error: ErrorNameSchema,
  message: Type.String(),
  checks: Checks
})
