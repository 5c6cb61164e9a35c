import { PayloadValidationError } from '@segment/actions-core'

/** Iterable's project types, with the values upstream's iterable-audiences destination uses (`hybrid`, `userId`). */
export const PROJECT_TYPES = { email: 'email', hybrid: 'hybrid', userId: 'userId' } as const
export type ProjectType = (typeof PROJECT_TYPES)[keyof typeof PROJECT_TYPES]

export const PROJECT_TYPE_CHOICES = [
  { label: 'Email-based project', value: PROJECT_TYPES.email },
  { label: 'Hybrid project', value: PROJECT_TYPES.hybrid },
  { label: 'UserID-based project', value: PROJECT_TYPES.userId }
]

interface Identifiers {
  email?: string | null
  userId?: string | null
}

/** The names a user sees for the two identifier fields of an action. */
interface IdentifierFields {
  email: string
  userId: string
}

const TOP_LEVEL: IdentifierFields = { email: 'email', userId: 'userId' }

/**
 * Iterable finds a user by email or by userId; a request with neither is refused. The framework's conditional
 * requirement says this for top-level fields; this check says it for the `user` object of the commerce actions, and
 * backs the top-level rule where a mapping sends a blank value.
 */
export function requireIdentifier(ids: Identifiers, fields: IdentifierFields = TOP_LEVEL): void {
  if (isBlank(ids.email) && isBlank(ids.userId)) {
    throw new PayloadValidationError(
      `Either ${fields.email} or ${fields.userId} is required: Iterable identifies users by one of them. Map "${fields.email}" to the user's email address or "${fields.userId}" to their user ID.`
    )
  }
}

function isBlank(value: string | null | undefined): boolean {
  return value === undefined || value === null || value.trim() === ''
}
