import type { Settings } from './generated-types'
import type { Payload as UpdateUserPayload } from './updateUser/generated-types'
import type { Payload as TrackEventPayload } from './trackEvent/generated-types'
import type { Payload as TrackPagePayload } from './trackPage/generated-types'
import type { Payload as TrackPurchasePayload } from './trackPurchase/generated-types'
import type { Payload as UpdateCartPayload } from './updateCart/generated-types'
import type { Payload as UpdateEmailPayload } from './updateEmail/generated-types'
import { convertDates, toUnixSeconds, withIterableDates } from './dates'
import { requireIdentifier } from './identity'
import { toCommerceItems, requireWholeCart, type MappedItem } from './commerce-items'
import { assertPageIsTracked, pageEventName, type PageKind } from './page-naming'
import type {
  CommerceUser,
  DataFields,
  TrackEventBody,
  TrackPurchaseBody,
  UpdateCartBody,
  UpdateEmailBody,
  UserUpdateBody
} from './types'

// Mapped payload → Iterable request body, one function per body. The single and the bulk paths both build records
// here, so they cannot drift apart. Each function validates what the schema cannot and throws PayloadValidationError.
// None of them changes the payload it is given.

/** `body` without its undefined and null keys (a loop: this runs for every event of every batch). */
function definedOnly<T extends object>(body: T): T {
  const defined: Partial<T> = {}
  for (const key in body) {
    const value = body[key]
    if (value !== undefined && value !== null) defined[key] = value
  }
  return defined as T
}

/** User dataFields with dates converted and the phone number where Iterable reads it (`dataFields.phoneNumber`). */
function userDataFields(dataFields: DataFields | undefined, phoneNumber: string | null | undefined): DataFields {
  return withIterableDates(dataFields, phoneNumber ? { phoneNumber } : undefined)
}

export function userUpdateBody(payload: UpdateUserPayload): UserUpdateBody {
  requireIdentifier(payload)
  return definedOnly({
    email: payload.email,
    userId: payload.userId,
    dataFields: userDataFields(payload.dataFields, payload.phoneNumber),
    preferUserId: payload.preferUserId,
    mergeNestedObjects: payload.mergeNestedObjects
  })
}

/**
 * A user record of a bulk update. Iterable's bulk endpoint has no email change; in hybrid projects setting
 * `dataFields.email` changes it, which is what the live destination does with `newEmail` in batches.
 */
export function bulkUserRecord(payload: UpdateUserPayload): UserUpdateBody {
  const body = userUpdateBody(payload)
  return payload.newEmail ? { ...body, dataFields: { ...body.dataFields, email: payload.newEmail } } : body
}

export function updateEmailBody(payload: UpdateEmailPayload): UpdateEmailBody {
  requireIdentifier(
    { email: payload.currentEmail, userId: payload.currentUserId },
    { email: 'currentEmail', userId: 'currentUserId' }
  )
  return definedOnly({
    currentEmail: payload.currentEmail,
    currentUserId: payload.currentUserId,
    newEmail: payload.newEmail
  })
}

interface EventLike {
  email?: string
  userId?: string
  id?: string
  createdAt?: string | number
  dataFields?: DataFields
  campaignId?: number
  templateId?: number
}

/** An events/track body; the caller has checked the identifiers. */
function eventBody(payload: EventLike, eventName: string): TrackEventBody {
  return definedOnly({
    email: payload.email,
    userId: payload.userId,
    eventName,
    id: payload.id,
    createdAt: toUnixSeconds(payload.createdAt),
    dataFields: withIterableDates(payload.dataFields),
    campaignId: payload.campaignId,
    templateId: payload.templateId
  })
}

export function trackEventBody(payload: TrackEventPayload): TrackEventBody {
  requireIdentifier(payload)
  return eventBody(payload, payload.eventName)
}

export function trackPageBody(payload: TrackPagePayload, settings: Settings): TrackEventBody {
  const page = { kind: (payload.eventType ?? 'page') as PageKind, name: payload.name, category: payload.category }
  requireIdentifier(payload)
  assertPageIsTracked(page, settings)
  return eventBody(payload, pageEventName(page, settings))
}

function commerceUser(user: TrackPurchasePayload['user']): CommerceUser {
  requireIdentifier(user, { email: 'user.email', userId: 'user.userId' })
  return definedOnly({
    email: user.email,
    userId: user.userId,
    dataFields: userDataFields(user.dataFields, user.phoneNumber),
    preferUserId: user.preferUserId,
    mergeNestedObjects: user.mergeNestedObjects
  })
}

export function trackPurchaseBody(payload: TrackPurchasePayload): TrackPurchaseBody {
  const user = commerceUser(payload.user)
  // The products are sent as items; repeating them in the purchase's dataFields would only double the payload.
  const { products: _products, ...purchaseFields } = payload.dataFields ?? {}
  return definedOnly({
    id: payload.id,
    user,
    items: toCommerceItems(payload.items as MappedItem[]),
    campaignId: payload.campaignId,
    templateId: payload.templateId,
    total: payload.total,
    createdAt: toUnixSeconds(payload.createdAt),
    dataFields: convertDates(purchaseFields)
  })
}

export function updateCartBody(payload: UpdateCartPayload): UpdateCartBody {
  const user = commerceUser(payload.user)
  return { user, items: toCommerceItems(requireWholeCart(payload.items as MappedItem[] | undefined)) }
}
