import { dataFieldsOf } from './context'
import type { Context } from './context'
import { USER_SCOPE } from './field-types'
import type { TypeCheck } from './field-types'
import { identify, identityChangeFailure, isFailure, materialise } from './identity'
import type { Failure, Target } from './identity'
import { isPlainObject, writeFields } from './store'
import type { DataFields, StoredUser } from './store'
import { isValidEmail, isValidUserId } from './validation'

// Writing a user's profile, shared by every endpoint that updates one (users, commerce, lists, subscriptions,
// devices): find the user by the project's rules, check the data sent, and once the request is accepted, write it.

/** A string field value longer than this cannot be stored (Iterable's limit is about 32k characters). */
export const MAX_FIELD_VALUE_BYTES = 32_766

export interface UserRecord {
  email?: string | null
  userId?: string | null
  dataFields?: unknown
  preferUserId?: boolean | null
  mergeNestedObjects?: boolean | null
}

export interface UserPlan {
  target: Target
  record: UserRecord
  /** The dataFields to store: as sent, less fields dropped by `createNewFields: false`. */
  fields: DataFields
}

/** Data Iterable cannot store on a profile: an empty field name, a string value over the size limit. */
function invalidData(fields: DataFields, path = ''): { path: string; reason: string } | undefined {
  for (const [key, value] of Object.entries(fields)) {
    const at = path ? `${path}.${key}` : key
    if (key.trim() === '') return { path: at, reason: 'Field names must not be empty' }
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_FIELD_VALUE_BYTES)
      return { path: at, reason: `Field values must be at most ${MAX_FIELD_VALUE_BYTES} bytes` }
    if (isPlainObject(value)) {
      const nested = invalidData(value, at)
      if (nested) return nested
    }
  }
  return undefined
}

/** A user's dataFields checked like its identifiers: `email` and `userId` in them must be well formed. */
function userFieldsFailure(fields: DataFields, ids: { email?: string; userId?: string }): Failure | undefined {
  if (typeof fields.email === 'string' && !isValidEmail(fields.email))
    return { kind: 'invalidEmail', value: fields.email, ...ids }
  if (typeof fields.userId === 'string' && !isValidUserId(fields.userId))
    return { kind: 'invalidUserId', value: fields.userId, ...ids }
  const problem = invalidData(fields)
  return problem ? { kind: 'invalidData', value: ids.email ?? ids.userId ?? '', ...ids, ...problem } : undefined
}

/**
 * In userID-based and hybrid projects, `dataFields.email` and `dataFields.userId` change the user's identifiers
 * (Iterable's way to change an email there); in email-based projects `dataFields.userId` sets the userId.
 */
function withFieldIdentifiers(ctx: Context, target: Target, fields: DataFields): Target | Failure {
  const type = ctx.project.type
  const user = 'user' in target ? target.user : undefined
  const current = 'user' in target ? target.change ?? {} : target.create
  const change = {
    ...(type !== 'email' &&
      typeof fields.email === 'string' &&
      fields.email !== user?.email && { email: fields.email }),
    ...(typeof fields.userId === 'string' && fields.userId !== user?.userId && { userId: fields.userId })
  }
  if (Object.keys(change).length === 0) return target
  const problem = identityChangeFailure(ctx.store, type, user, change)
  if (problem) return problem
  const merged = { ...current, ...change }
  return user ? { user, change: merged } : { create: merged }
}

/** Finds the user and checks their data; the field types go into `check`, to be committed with the request. */
export function planUser(
  ctx: Context,
  record: UserRecord,
  check: TypeCheck,
  options: { createNewFields: boolean; updateOnly?: boolean }
): UserPlan | Failure {
  const found = identify(ctx.store, ctx.project.type, record.email, record.userId, {
    preferUserId: record.preferUserId === true,
    updateOnly: options.updateOnly === true
  })
  if (isFailure(found)) return found
  const sent = dataFieldsOf(record.dataFields)
  const ids = {
    ...(typeof record.email === 'string' && record.email !== '' && { email: record.email }),
    ...(typeof record.userId === 'string' && record.userId !== '' && { userId: record.userId })
  }
  const problem = userFieldsFailure(sent, ids)
  if (problem) return problem
  const target = withFieldIdentifiers(ctx, found, sent)
  if (isFailure(target)) return { ...target, ...ids }
  return { target, record, fields: check.check(USER_SCOPE, sent, options.createNewFields) }
}

/** Writes a planned update: creates the user if new, sets its identifiers, writes its fields. */
export function applyUser(ctx: Context, { target, record, fields }: UserPlan): StoredUser {
  const { store } = ctx
  const user = materialise(store, ctx.project.type, target)
  const { email: _email, userId: _userId, profileUpdatedAt: _updated, itblInternal: _internal, ...rest } = fields
  // Email-based projects: a userId sent with the email is stored on the user (userIds are attributes there).
  if (ctx.project.type === 'email' && typeof record.userId === 'string' && record.userId !== '' && record.email)
    store.setUserId(user, record.userId)
  writeFields(user.dataFields, store.normaliseDates(USER_SCOPE, rest), record.mergeNestedObjects === true)
  store.touch(user)
  return user
}
