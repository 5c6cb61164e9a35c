import { badJsonBody, failure } from './answers'
import type { Answer } from './answers'
import { mismatchMessage } from './field-types'
import type { FieldScope, TypeMismatch } from './field-types'
import type { Project } from './project'
import type { SchemaName } from './schemas'
import { isPlainObject, withoutNulls } from './store'
import type { DataFields, Store } from './store'
import { schemaErrors } from './validation'

// What every endpoint's handler gets, and the checks they share. A request is checked whole before anything is
// stored, so a refused request (a bad body, a field type mismatch) leaves the project as it was.

export interface Context {
  store: Store
  project: Project
  /** The request path, which Iterable repeats in some messages. */
  path: string
}

/** The schema's answer for a bad body, or undefined when it is well formed. */
export function refuseMalformed(ctx: Context, schema: SchemaName, body: unknown): Answer | undefined {
  const errors = schemaErrors(schema, body)
  return errors ? badJsonBody(ctx.path, errors) : undefined
}

export function mismatchAnswer(ctx: Context, mismatches: Record<string, TypeMismatch>): Answer {
  return failure(400, 'RequestFieldsTypesMismatched', mismatchMessage(ctx.project.projectId, mismatches), {
    validationErrors: mismatches
  })
}

export const dataFieldsOf = (value: unknown): DataFields => (isPlainObject(value) ? value : {})
export const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined)
export const numberOrUndefined = (value: unknown) => (typeof value === 'number' ? value : undefined)
/** An event's or purchase's fields as stored: dates in Iterable's format, no nulls. */
export const normalisedFields = (store: Store, scope: FieldScope, fields: DataFields) =>
  withoutNulls(store.normaliseDates(scope, fields)) as DataFields

export const byteLength = (value: string) => Buffer.byteLength(value, 'utf8')
