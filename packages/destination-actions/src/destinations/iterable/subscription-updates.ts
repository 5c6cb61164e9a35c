import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './updateSubscriptions/generated-types'
import type { Settings } from './generated-types'
import { requireIdentifiers } from './identity'

// Subscription preferences: a mapped payload → one UpdateSubscriptionsRequest, the body of users/updateSubscriptions
// and each record of users/bulkUpdateSubscriptions.

/** The lists Iterable overwrites when they are in the request (and leaves alone when they are not). */
export const SUBSCRIPTION_LISTS = [
  'emailListIds',
  'unsubscribedChannelIds',
  'unsubscribedMessageTypeIds',
  'subscribedMessageTypeIds'
] as const

export interface UpdateSubscriptionsBody {
  email?: string
  userId?: string
  emailListIds?: number[]
  unsubscribedChannelIds?: number[]
  unsubscribedMessageTypeIds?: number[]
  subscribedMessageTypeIds?: number[]
  campaignId?: number
  templateId?: number
  validateChannelAlignment?: boolean
}

/** Only the keys the mapping set: an unmapped list is left out, never sent empty, so Iterable keeps what it has. */
export function updateSubscriptionsBody(payload: Payload, settings: Settings): UpdateSubscriptionsBody {
  requireIdentifiers(payload, settings)
  if (SUBSCRIPTION_LISTS.every((list) => payload[list] === undefined)) {
    throw new PayloadValidationError(
      `Nothing to update: map at least one of ${SUBSCRIPTION_LISTS.join(', ')} (an empty list is allowed, and clears it).`
    )
  }
  const { email, userId, campaignId, templateId, validateChannelAlignment } = payload
  return {
    ...(email !== undefined && { email }),
    ...(userId !== undefined && { userId }),
    ...(payload.emailListIds !== undefined && { emailListIds: payload.emailListIds }),
    ...(payload.unsubscribedChannelIds !== undefined && { unsubscribedChannelIds: payload.unsubscribedChannelIds }),
    ...(payload.unsubscribedMessageTypeIds !== undefined && {
      unsubscribedMessageTypeIds: payload.unsubscribedMessageTypeIds
    }),
    ...(payload.subscribedMessageTypeIds !== undefined && {
      subscribedMessageTypeIds: payload.subscribedMessageTypeIds
    }),
    ...(campaignId !== undefined && { campaignId }),
    ...(templateId !== undefined && { templateId }),
    ...(validateChannelAlignment !== undefined && { validateChannelAlignment })
  }
}
