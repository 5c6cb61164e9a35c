import { PayloadValidationError } from '@segment/actions-core'

interface Identifiers {
  email?: string | null
  userId?: string | null
}

/**
 * Iterable finds a user by email or by userId; a request with neither is refused. The framework's conditional
 * requirement says this for top-level fields; this check says it for the `user` object of the commerce actions, and
 * backs the top-level rule where a mapping sends a blank value.
 */
export function requireIdentifier(ids: Identifiers, prefix = ''): void {
  if (isBlank(ids.email) && isBlank(ids.userId)) {
    throw new PayloadValidationError(
      `Either ${prefix}email or ${prefix}userId is required: Iterable identifies users by one of them. Map "${prefix}email" to an email address (e.g. traits.email) or "${prefix}userId" to the Segment userId.`
    )
  }
}

function isBlank(value: string | null | undefined): boolean {
  return value === undefined || value === null || value.trim() === ''
}
