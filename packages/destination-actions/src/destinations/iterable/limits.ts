import { PayloadValidationError } from '@segment/actions-core'

// Iterable's limits on identifiers, checked before anything is sent. Field definitions say those the schema can check
// (an email's and a userId's length); ids are limited in bytes, which only code can count.

/** An email address of at most 254 characters (the longest address mail can carry). */
export const MAX_EMAIL_LENGTH = 254
/** A userId of at most 52 characters. */
export const MAX_USER_ID_LENGTH = 52
/** An event, purchase or item id of at most 512 bytes of UTF-8. */
export const MAX_ID_BYTES = 512

/** Throws when `id` is longer than Iterable takes; `what` names it as the user maps it. */
export function requireIdWithinLimit(id: string | undefined, what: string, fix = 'Map a shorter one.'): void {
  if (id === undefined) return
  const bytes = Buffer.byteLength(id)
  if (bytes > MAX_ID_BYTES) {
    throw new PayloadValidationError(
      `${what} is ${bytes} bytes, over Iterable's limit of ${MAX_ID_BYTES} bytes. ${fix}`
    )
  }
}

/** Throws when `userId` is longer than Iterable takes, for a userId the schema does not check (a deletion request). */
export function requireUserIdWithinLimit(userId: string, what: string): void {
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new PayloadValidationError(
      `${what} is ${userId.length} characters long, and Iterable's userIds have at most ${MAX_USER_ID_LENGTH}: no Iterable user can have it.`
    )
  }
}
