import type { ProjectType } from './project'
import type { Store, StoredUser } from './store'
import { isValidEmail, isValidUserId } from './validation'

// Who a request is about, by the project type's rules (Iterable's "Project Types and Unique Identifiers"):
// - email-based: with an email, the user with that email (created unless `updateOnly`), and a userId sent with it is
//   stored on them; with a userId only, the most recently updated user with it; an unknown userId is refused unless
//   `preferUserId`, which creates a user with a placeholder email;
// - userID-based: the userId is required and finds (or creates) the user; an email sent with it is profile data;
// - hybrid: email or userId, both unique; a request whose email and userId belong to different users is a conflict;
// - forgotten users (GDPR) are refused whatever the call.

export type FailureKind =
  | 'missingIdentifier'
  | 'missingUserId'
  | 'invalidEmail'
  | 'invalidUserId'
  | 'forgottenEmail'
  | 'forgottenUserId'
  | 'notFoundEmail'
  | 'notFoundUserId'
  | 'conflictEmail'
  | 'conflictUserId'
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

/** The identifiers a request sets on the user it found (hybrid and userID-based projects). */
export interface IdentityChange {
  email?: string
  userId?: string
}

/** A user found (with identifiers to set), or the user to create once the request is accepted. */
export type Target = { user: StoredUser; change?: IdentityChange } | { create: IdentityChange }

export interface IdentityRules {
  /** Email-based projects: create a user (with a placeholder email) for an unknown userId sent without an email. */
  preferUserId: boolean
  /** Never create users: unknown ones are not found. */
  updateOnly: boolean
}

export const isFailure = <T extends object>(value: T | Failure): value is Failure => 'kind' in value

/** A non-empty string (an empty identifier counts as not sent when the other one is). */
const given = (value: unknown): value is string => typeof value === 'string' && value !== ''

export function identify(
  store: Store,
  type: ProjectType,
  email: string | null | undefined,
  userId: string | null | undefined,
  rules: IdentityRules
): Target | Failure {
  const ids = { ...(given(email) && { email }), ...(given(userId) && { userId }) }
  const fail = (kind: FailureKind, value: string): Failure => ({ kind, value, ...ids })

  // Malformed identifiers and forgotten users first, whatever the project type.
  if (email === '' && !given(userId)) return fail(type === 'userId' ? 'missingUserId' : 'invalidEmail', '')
  if (ids.email !== undefined && !isValidEmail(ids.email)) return fail('invalidEmail', ids.email)
  if (typeof userId === 'string' && !given(email) && !isValidUserId(userId)) return fail('invalidUserId', userId)
  if (ids.userId !== undefined && !isValidUserId(ids.userId)) return fail('invalidUserId', ids.userId)
  if (ids.email !== undefined && type !== 'userId' && store.isForgottenEmail(ids.email))
    return fail('forgottenEmail', ids.email)
  if (ids.userId !== undefined && store.isForgottenUserId(ids.userId)) return fail('forgottenUserId', ids.userId)

  switch (type) {
    case 'email':
      return identifyByEmail(store, ids, rules, fail)
    case 'userId':
      return identifyByUserId(store, ids, rules, fail)
    case 'hybrid':
      return identifyHybrid(store, ids, rules, fail)
  }
}

type Fail = (kind: FailureKind, value: string) => Failure

function identifyByEmail(store: Store, ids: IdentityChange, rules: IdentityRules, fail: Fail): Target | Failure {
  if (ids.email !== undefined) {
    const user = store.findByEmail(ids.email)
    if (user) return { user }
    return rules.updateOnly ? fail('notFoundEmail', ids.email) : { create: ids }
  }
  if (ids.userId !== undefined) {
    const user = store.findByUserId(ids.userId)
    if (user) return { user }
    if (rules.preferUserId && !rules.updateOnly) return { create: ids }
    return fail('notFoundUserId', ids.userId)
  }
  return fail('missingIdentifier', '')
}

function identifyByUserId(store: Store, ids: IdentityChange, rules: IdentityRules, fail: Fail): Target | Failure {
  if (ids.userId === undefined) return fail('missingUserId', ids.email ?? '')
  const user = store.findByUserId(ids.userId)
  // The email is profile data here: sending one sets it.
  if (user)
    return { user, ...(ids.email !== undefined && ids.email !== user.email && { change: { email: ids.email } }) }
  return rules.updateOnly ? fail('notFoundUserId', ids.userId) : { create: ids }
}

function identifyHybrid(store: Store, ids: IdentityChange, rules: IdentityRules, fail: Fail): Target | Failure {
  if (ids.email === undefined && ids.userId === undefined) return fail('missingIdentifier', '')
  const byUserId = ids.userId !== undefined ? store.findByUserId(ids.userId) : undefined
  const byEmail = ids.email !== undefined ? store.findByEmail(ids.email) : undefined
  if (byUserId && byEmail && byUserId !== byEmail) return fail('conflictEmail', ids.email as string)
  if (byUserId) {
    const change = ids.email !== undefined && byUserId.email !== ids.email ? { email: ids.email } : undefined
    return { user: byUserId, ...(change && { change }) }
  }
  if (byEmail) {
    if (ids.userId === undefined) return { user: byEmail }
    // The email's user has another userId: the request names two users.
    if (byEmail.userId !== undefined) return fail('conflictEmail', ids.email as string)
    return { user: byEmail, change: { userId: ids.userId } }
  }
  if (rules.updateOnly)
    return ids.email !== undefined ? fail('notFoundEmail', ids.email) : fail('notFoundUserId', ids.userId as string)
  return { create: ids }
}

/**
 * A change of identifiers asked for in `dataFields` (`email`, `userId`), as userID-based and hybrid projects take them
 * in users/update. Unique identifiers may not be taken by another user.
 */
export function identityChangeFailure(
  store: Store,
  type: ProjectType,
  user: StoredUser | undefined,
  change: IdentityChange
): Failure | undefined {
  if (change.email !== undefined && type === 'hybrid') {
    const owner = store.findByEmail(change.email)
    if (owner && owner !== user) return { kind: 'conflictEmail', value: change.email, email: change.email }
  }
  if (change.userId !== undefined && type !== 'email') {
    const owner = store.findByUserId(change.userId)
    if (owner && owner !== user) return { kind: 'conflictUserId', value: change.userId, userId: change.userId }
  }
  return undefined
}

/** The target user, created now if it is new (or found, when an earlier record of the same request created it). */
export function materialise(store: Store, type: ProjectType, target: Target): StoredUser {
  if ('user' in target) {
    if (target.change?.email !== undefined) store.setEmail(target.user, target.change.email)
    if (target.change?.userId !== undefined) store.setUserId(target.user, target.change.userId)
    return target.user
  }
  const { email, userId } = target.create
  if (type === 'email') {
    if (email !== undefined) return store.findByEmail(email) ?? store.createUser(email, userId)
    const id = userId as string
    return store.findByUserId(id) ?? store.createPlaceholderUser(id)
  }
  const existing =
    (userId !== undefined && store.findByUserId(userId)) ||
    (type === 'hybrid' && email !== undefined && store.findByEmail(email))
  return existing || store.createUser(email, userId)
}
