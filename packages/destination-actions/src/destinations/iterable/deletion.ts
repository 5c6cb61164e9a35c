import { PayloadValidationError } from '@segment/actions-core'
import type { DestinationDefinition, GlobalSetting, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { callIterable } from './iterable-api'
import type { ApiPath, IterableAnswer } from './iterable-api'
import { requireUserIdWithinLimit } from './limits'

// Segment's user deletion requests (onDelete). They carry a userId and an anonymousId, never an email; Iterable knows
// no anonymousId, so the userId is what a user is deleted by.

export const DELETION_MODE_SETTING: GlobalSetting = {
  label: 'User Deletion',
  description:
    "What Segment's user deletion requests do in Iterable. Delete (the default): Iterable deletes the user's profile and data; later events about the user create a new profile. Forget (GDPR): Iterable deletes the data and also refuses any data about the user from then on, until the user is unforgotten in Iterable; Iterable takes at most 1,000 forget requests a day per project. In email-based projects Iterable forgets users by email only, so Segment first reads the email from the user's profile (set Iterable Project Type). A user Iterable does not know counts as deleted.",
  type: 'string',
  format: 'text',
  choices: [
    { label: 'Delete', value: 'delete' },
    { label: 'Forget (GDPR)', value: 'forget' }
  ],
  default: 'delete'
}

// Iterable's codes for a user it does not have.
const UNKNOWN_USER_CODES = new Set(['UnknownUserIdError', 'UnknownEmailError', 'NotFound'])
const UNKNOWN_USER_MESSAGE = /^no users? with (that id|userId .*) exists?\b|user does not exist/i

type OnDelete = NonNullable<DestinationDefinition<Settings>['onDelete']>

export const deleteUser: OnDelete = async (request, { payload, settings }) => {
  const { userId } = payload
  // Sent as it is (never trimmed): " user-1" and "user-1" would be two different users.
  if (typeof userId !== 'string' || userId.trim() === '') {
    throw new PayloadValidationError(
      'userId is required to delete a user in Iterable: this deletion request has none, only an anonymousId, which Iterable does not store. Request the deletion by the userId your sources send to Iterable.'
    )
  }
  requireUserIdWithinLimit(userId, "This deletion request's userId")
  // DELETE /api/users/byUserId/{userId} works in every project type.
  if (settings.deletionMode === 'forget') return forget(request, settings, userId)
  return callIterable(request, settings, byUserId(userId), { method: 'delete', accept: isUnknownUser })
}

/**
 * `POST /api/users/forget`: by userId in userID-based and hybrid projects; by email in email-based projects, where
 * the email is read from the profile first. With no project type set, the email is used when the profile has one
 * (what email-based and hybrid projects accept), the userId otherwise.
 */
async function forget(request: RequestClient, settings: Settings, userId: string) {
  const forgetBy = (user: { userId: string } | { email: string }) =>
    callIterable(request, settings, '/api/users/forget', { json: user, accept: isUnknownUser })
  const projectType = settings.iterableProjectType
  if (projectType === 'userId' || projectType === 'hybrid') return forgetBy({ userId })
  const lookup = await callIterable(request, settings, byUserId(userId), { method: 'get', accept: isUnknownUser })
  // A userId Iterable does not have: nothing to forget.
  const user = lookup.json.user as { email?: unknown } | undefined
  if (!user) return lookup
  const email = typeof user.email === 'string' && user.email !== '' ? user.email : undefined
  if (projectType === 'email' && email === undefined) {
    throw new PayloadValidationError(
      `The Iterable user with this userId has no email, and email-based projects forget users by email only. Forget the user in Iterable by hand, or set Iterable Project Type to match your project.`
    )
  }
  return forgetBy(email === undefined ? { userId } : { email })
}

// Encoded: a userId may hold `/`, `?` or `#`, which would otherwise change the path.
const byUserId = (userId: string): ApiPath => `/api/users/byUserId/${encodeURIComponent(userId)}`

/** Iterable's answer that it has no such user: nothing to delete, which counts as deleted. */
function isUnknownUser({ status, code, msg }: IterableAnswer): boolean {
  if (status === 404) return true
  if (code !== undefined && UNKNOWN_USER_CODES.has(code)) return true
  // Iterable answers 400 for a userId it does not have: a lookup in plain text ("No user with that id exists!"), a
  // deletion with BadParams ("No users with userId … exist").
  return status === 400 && UNKNOWN_USER_MESSAGE.test(msg ?? '')
}
