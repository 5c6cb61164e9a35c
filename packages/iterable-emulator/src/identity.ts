import { isValidEmail, isValidUserId } from './validation'
import type { Store, StoredUser } from './store'

// Who a request is about, in an email-based project (Iterable's default):
// - with an email, the user with that email (created unless `updateOnly`); a userId sent with it is stored on them;
// - with a userId only, the most recently updated user with that userId; an unknown userId is refused, unless
//   `preferUserId` is set, which creates a user with a placeholder email;
// - forgotten users (GDPR) are refused whatever the call.

export type FailureKind =
  | 'missingIdentifier'
  | 'invalidEmail'
  | 'invalidUserId'
  | 'forgottenEmail'
  | 'forgottenUserId'
  | 'notFoundEmail'
  | 'notFoundUserId'
  | 'invalidData'

export interface Failure {
  kind: FailureKind
  /** The email or userId the failure is about (what a bulk answer lists). */
  value: string
  /** The record's identifiers, for the deprecated lists of bulk answers. */
  email?: string
  userId?: string
  /** invalidData: the field at fault and why. */
  path?: string
  reason?: string
}

/** A user found, or the user to create once the request is accepted. */
export type Target = { user: StoredUser } | { create: { email?: string; userId?: string } }

export interface IdentityRules {
  /** Create a user for an unknown userId sent without an email. */
  preferUserId: boolean
  /** Never create users: unknown ones are not found. */
  updateOnly: boolean
}

export const isFailure = <T extends object>(value: T | Failure): value is Failure => 'kind' in value

/** A non-empty string (an empty identifier counts as not sent when the other one is). */
const given = (value: unknown): boolean => typeof value === 'string' && value !== ''

export function identify(
  store: Store,
  email: string | null | undefined,
  userId: string | null | undefined,
  rules: IdentityRules
): Target | Failure {
  const ids = { ...(given(email) && { email: email as string }), ...(given(userId) && { userId: userId as string }) }
  const fail = (kind: FailureKind, value: string): Failure => ({ kind, value, ...ids })

  if (given(email) || (email === '' && !given(userId))) {
    const address = email ?? ''
    if (!isValidEmail(address)) return fail('invalidEmail', address)
    if (ids.userId !== undefined && !isValidUserId(ids.userId)) return fail('invalidUserId', ids.userId)
    if (store.isForgottenEmail(address)) return fail('forgottenEmail', address)
    if (ids.userId !== undefined && store.isForgottenUserId(ids.userId)) return fail('forgottenUserId', ids.userId)
    const user = store.findByEmail(address)
    if (user) return { user }
    if (rules.updateOnly) return fail('notFoundEmail', address)
    return { create: ids }
  }
  if (typeof userId === 'string') {
    if (!isValidUserId(userId)) return fail('invalidUserId', userId)
    if (store.isForgottenUserId(userId)) return fail('forgottenUserId', userId)
    const user = store.findByUserId(userId)
    if (user) return { user }
    if (rules.preferUserId && !rules.updateOnly) return { create: ids }
    return fail('notFoundUserId', userId)
  }
  return fail('missingIdentifier', '')
}

/** The target user, created now if it is new (or found, when an earlier record of the same request created it). */
export function materialise(store: Store, target: Target): StoredUser {
  if ('user' in target) return target.user
  const { email, userId } = target.create
  if (email !== undefined) return store.findByEmail(email) ?? store.createUser(email, userId)
  const id = userId as string
  return store.findByUserId(id) ?? store.createPlaceholderUser(id)
}
