import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { CONSTANTS } from '../constants'
import type { Payload } from './generated-types'
import type { Membership, Subscriber, Unsubscriber } from './types'

type ProjectType = NonNullable<Settings['iterableProjectType']>

const PROJECT_TYPE_NAMES: Record<ProjectType, string> = {
  email: 'Email',
  hybrid: 'Hybrid',
  userId: 'User ID'
}

/** The settings' project type; unset or unknown acts as hybrid (either identifier), as upstream's destination does. */
export function projectTypeOf(settings: Settings): ProjectType {
  const value = settings.iterableProjectType
  return value === CONSTANTS.EMAIL_PROJECT_TYPE || value === CONSTANTS.USER_ID_PROJECT_TYPE
    ? value
    : CONSTANTS.HYBRID_PROJECT_TYPE
}

/** The Iterable list id Segment stored as the audience's external id when it created the list. */
export function listIdOf(payload: Payload): number {
  const text = typeof payload.segmentAudienceId === 'string' ? payload.segmentAudienceId.trim() : ''
  const listId = /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(listId) || listId <= 0) {
    throw new PayloadValidationError(
      `Invalid or missing Segment Audience ID: segmentAudienceId must be the numeric ID of the Iterable list, which Segment sends as context.personas.external_audience_id (got ${JSON.stringify(
        payload.segmentAudienceId ?? null
      )}). Map "Segment External Audience ID" to $.context.personas.external_audience_id.`
    )
  }
  return listId
}

const present = (value: string | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined

/**
 * What an event asks of Iterable. The value under the audience key in its traits or properties says whether the user
 * entered the audience (add them to the list) or left it (remove them). Throws when the event cannot be sent.
 */
export function membershipOf(payload: Payload, settings: Settings): Membership {
  const listId = listIdOf(payload)
  const email = present(payload.email)
  const userId = present(payload.userId)
  const projectType = projectTypeOf(settings)

  // userID-based projects find users by userId only; email-based and hybrid projects by either identifier.
  if (projectType === CONSTANTS.USER_ID_PROJECT_TYPE && !userId) {
    throw new PayloadValidationError(
      'User ID is required when Iterable Project Type = User ID: userID-based projects identify users by userId only. Map "User ID" to the user\'s ID, or set Iterable Project Type to the type of your project.'
    )
  }
  if (!email && !userId) {
    throw new PayloadValidationError(
      `Either User ID or Email is required when Iterable Project Type = ${PROJECT_TYPE_NAMES[projectType]}: Iterable identifies a list's members by one of them. Map "Email" to the user's email address or "User ID" to their ID.`
    )
  }

  const identifiers: Unsubscriber = { ...(email && { email }), ...(userId && { userId }) }
  const entered = Boolean(payload.traitsOrProperties[payload.segmentAudienceKey])
  if (!entered) return { listId, direction: 'unsubscribe', member: identifiers }

  const dataFields = payload.dataFields
  const subscriber: Subscriber = {
    ...identifiers,
    // preferUserId lets a userId create a user where email is the identifier; upstream sends it in userID-based
    // projects too, where Iterable creates users by userId anyway.
    ...((projectType === CONSTANTS.USER_ID_PROJECT_TYPE ||
      (projectType === CONSTANTS.EMAIL_PROJECT_TYPE && !email)) && {
      preferUserId: true
    }),
    ...(dataFields && Object.keys(dataFields).length > 0 && { dataFields })
  }
  return { listId, direction: 'subscribe', member: subscriber }
}
