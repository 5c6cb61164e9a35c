import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from './generated-types'

// How the project identifies users decides which identifier a request needs and how an email changes (Iterable's
// "Project Types and Unique Identifiers").

/** Iterable's project types, with the values upstream's iterable-audiences destination uses (`hybrid`, `userId`). */
export const PROJECT_TYPES = { email: 'email', hybrid: 'hybrid', userId: 'userId' } as const
export type ProjectType = (typeof PROJECT_TYPES)[keyof typeof PROJECT_TYPES]

export const PROJECT_TYPE_CHOICES = [
  { label: 'Email-based project', value: PROJECT_TYPES.email },
  { label: 'Hybrid project', value: PROJECT_TYPES.hybrid },
  { label: 'UserID-based project', value: PROJECT_TYPES.userId }
]

const SETTING = '"Iterable Project Type" setting'

type ProjectSettings = Pick<Settings, 'iterableProjectType'>

export const projectTypeOf = (settings: ProjectSettings): ProjectType | undefined =>
  settings.iterableProjectType as ProjectType | undefined

/** Hybrid and userID-based projects change an email through users/update, by userId; the others through updateEmail. */
export const changesEmailByUserId = (settings: ProjectSettings): boolean =>
  projectTypeOf(settings) === PROJECT_TYPES.hybrid || projectTypeOf(settings) === PROJECT_TYPES.userId

/**
 * `preferUserId` to send: the mapping's, else true for a userId without an email in an email-based project, where
 * Iterable creates no user for an unknown userId without it (other project types create one anyway).
 */
export function preferUserIdFor(user: Identifiers & { preferUserId?: boolean }, settings: ProjectSettings) {
  if (user.preferUserId !== undefined) return user.preferUserId
  const userIdOnly = isBlank(user.email) && !isBlank(user.userId)
  return projectTypeOf(settings) === PROJECT_TYPES.email && userIdOnly ? true : undefined
}

type Identifiers = { email?: string | null; userId?: string | null }

/** The names a user sees for the two identifier fields of an action. */
type IdentifierFields = { email: string; userId: string }

const TOP_LEVEL: IdentifierFields = { email: 'email', userId: 'userId' }

/**
 * What the schema cannot check of a user's identifiers: a blank userId, which Iterable refuses; a userId in userID-based
 * projects; and, with `eitherRequired`, email or userId where a conditional requirement cannot say it (the commerce
 * actions' `user` object; top-level fields say it in their definitions).
 */
export function requireIdentifiers(
  ids: Identifiers,
  settings: ProjectSettings,
  { fields = TOP_LEVEL, eitherRequired = false }: { fields?: IdentifierFields; eitherRequired?: boolean } = {}
): void {
  if (typeof ids.userId === 'string' && ids.userId.trim() === '') {
    throw new PayloadValidationError(
      `${fields.userId} is blank: Iterable refuses a blank userId. Map "${fields.userId}" to the user's ID, or leave it unmapped.`
    )
  }
  if (projectTypeOf(settings) === PROJECT_TYPES.userId && isBlank(ids.userId)) {
    throw new PayloadValidationError(
      `${fields.userId} is required: the ${SETTING} is UserID-based, and such projects find users by userId only. Map "${fields.userId}" to the user's ID, or change the setting if the project is email-based or hybrid.`
    )
  }
  if (eitherRequired && isBlank(ids.email) && isBlank(ids.userId)) {
    throw new PayloadValidationError(
      `Either ${fields.email} or ${fields.userId} is required: Iterable identifies users by one of them. Map "${fields.email}" to the user's email address or "${fields.userId}" to their user ID.`
    )
  }
}

/** In hybrid and userID-based projects an email changes by userId: without one, the change cannot be sent. */
export function requireUserIdForEmailChange(userId: string | undefined, settings: ProjectSettings, field: string) {
  if (changesEmailByUserId(settings) && isBlank(userId)) {
    throw new PayloadValidationError(
      `${field} is required to change an email: the ${SETTING} is ${projectTypeOf(settings)}, and such projects change an email through users/update with the user's userId. Map "${field}", or set the setting to email-based if the project is.`
    )
  }
}

const isBlank = (value: string | null | undefined) => value === undefined || value === null || value.trim() === ''
