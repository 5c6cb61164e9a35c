import { PayloadValidationError } from '@segment/actions-core'
import type { GlobalSetting } from '@segment/actions-core'
import type { IterableAnswer } from './iterable-api'

// How a project identifies users decides which identifier a request needs, when a userId alone creates a user and how
// an email changes (Iterable's "Project Types and Unique Identifiers"). The rules of both Iterable destinations.

/** The setting both destinations read; unset means "not said" (the Lists destination defaults it to hybrid). */
export type ProjectSettings = { iterableProjectType?: string }

/** The values are those of upstream's iterable-audiences destination (`hybrid`, `userId`), and `email`. */
export const PROJECT_TYPE_SETTING: GlobalSetting = {
  label: 'Iterable Project Type',
  description:
    'How your Iterable project identifies users (Iterable: Project Settings > Project type). Email-based: email is unique; an email changes through users/updateEmail. Hybrid: email and userId are both unique. UserID-based: userId identifies users and is required. In hybrid and userID-based projects an email changes through users/update with the userId. Not set: email or userId identify users, a single event changes an email through users/updateEmail and a batched one through dataFields.email, as before this setting existed. Email-based projects are not offered in the EU data center.',
  type: 'string',
  format: 'text',
  choices: [
    { label: 'Email-based project', value: 'email' },
    { label: 'Hybrid project', value: 'hybrid' },
    { label: 'UserID-based project', value: 'userId' }
  ]
}

const SETTING = '"Iterable Project Type" setting'
const TYPE_NAMES: Record<string, string> = { email: 'Email-based', hybrid: 'Hybrid', userId: 'UserID-based' }

const isBlank = (value: string | null | undefined) => value === undefined || value === null || value.trim() === ''

/** Hybrid and userID-based projects change an email through users/update, by userId; the others through updateEmail. */
export const changesEmailByUserId = ({ iterableProjectType: type }: ProjectSettings) =>
  type === 'hybrid' || type === 'userId'

type Identifiers = { email?: string | null; userId?: string | null }

/**
 * `preferUserId` to send: the mapping's, else true for a userId without an email in an email-based project, the only
 * project type where Iterable reads it: without it Iterable creates no user for an unknown userId.
 */
export function preferUserIdFor(user: Identifiers & { preferUserId?: boolean }, settings: ProjectSettings) {
  if (user.preferUserId !== undefined) return user.preferUserId
  return settings.iterableProjectType === 'email' && isBlank(user.email) && !isBlank(user.userId) ? true : undefined
}

/**
 * What the schema cannot check of a user's identifiers: a blank userId, which Iterable refuses; a userId in userID-based
 * projects; and, with `eitherRequired`, email or userId where the schema does not say it (a nested `user` object, the
 * Lists destination). `fields` are the names the user sees for the two.
 */
export function requireIdentifiers(
  ids: Identifiers,
  settings: ProjectSettings,
  { fields = { email: 'email', userId: 'userId' }, eitherRequired = false } = {}
): void {
  if (typeof ids.userId === 'string' && ids.userId.trim() === '' && !(eitherRequired && isBlank(ids.email))) {
    throw new PayloadValidationError(
      `${fields.userId} is blank: Iterable refuses a blank userId. Map "${fields.userId}" to the user's ID, or leave it unmapped.`
    )
  }
  if (settings.iterableProjectType === 'userId' && isBlank(ids.userId)) {
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
      `${field} is required to change an email: the ${SETTING} is ${
        TYPE_NAMES[settings.iterableProjectType ?? '']
      }, and such projects change an email through users/update with the user's userId. Map "${field}", or set the setting to Email-based if the project is.`
    )
  }
}

/**
 * users/updateEmail refused: it works in email-based projects only. Said when the setting does not already say the
 * project is hybrid or userID-based (then the destination would not have called it).
 */
export const explainUpdateEmailRefusal = (answer: IterableAnswer): string | undefined =>
  answer.status === 400 && answer.code !== 'InvalidEmailAddressError' && !/forgotten/i.test(answer.code ?? '')
    ? `Iterable's users/updateEmail works in email-based projects only: if your project is hybrid or userID-based, set the ${SETTING} to Hybrid or UserID-based, and the email changes through users/update with the userId.`
    : undefined

/**
 * A userId-only request refused because no user has that userId. In an email-based project Iterable creates a user
 * from a userId alone only with `preferUserId`, which the destination sends when the setting says Email-based.
 */
export function explainUnknownUserId(ids: Identifiers, settings: ProjectSettings) {
  return (answer: IterableAnswer): string | undefined => {
    const userIdOnly = isBlank(ids.email) && !isBlank(ids.userId)
    if (!userIdOnly || answer.status !== 400 || settings.iterableProjectType === 'email') return undefined
    if (!/does not exist|not found|no user/i.test(answer.msg ?? '')) return undefined
    return `No Iterable user has this userId, and the request had no email. If your project is email-based, set the ${SETTING} to Email-based: Segment then sends preferUserId where Iterable takes it (Upsert User, the commerce actions, Register Push Token), so a userId alone creates the user. Otherwise map an email.`
  }
}
