import { Type, type SchemaOptions, type Static, type TSchema } from '@sinclair/typebox'

// Schema shapes that code generators read well (issue 14): TypeBox writes a union of literals as
// `anyOf` of `const`, which OpenAPI 3.0 generators turn into a union of one-value enums, and a
// numeric literal as `type: number`. These write a plain `enum`, and integers as `type: integer`.

/** A string that is one of `values`, as `{type: 'string', enum}`. */
export const StringEnum = <const V extends readonly string[]>(values: V, options: SchemaOptions = {}) =>
  Type.Unsafe<V[number]>({ ...options, type: 'string', enum: [...values] })

/** An integer that is one of `values`, as `{type: 'integer', enum}` (the envelope's `code`). */
export const IntegerEnum = <const V extends readonly number[]>(values: V, options: SchemaOptions = {}) =>
  Type.Unsafe<V[number]>({ ...options, type: 'integer', enum: [...values] })

/**
 * A reference to a shared schema (one with `$id`, added once by plugins/schemas.ts): `{$ref: '<id>'}`, typed
 * as the schema it points to. OpenAPI shows it as `#/components/schemas/<id>`.
 */
export function ref<T extends TSchema> (schema: T) {
  if (schema.$id === undefined) throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id))
}
