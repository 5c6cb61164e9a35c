import type { Settings } from './generated-types'
import type { Payload as UpdateUserPayload } from './updateUser/generated-types'
import type { Payload as TrackEventPayload } from './trackEvent/generated-types'
import type { Payload as TrackPagePayload } from './trackPage/generated-types'
import type { Payload as TrackPurchasePayload } from './trackPurchase/generated-types'
import type { Payload as UpdateCartPayload } from './updateCart/generated-types'
import type { Payload as UpdateEmailPayload } from './updateEmail/generated-types'
import { convertDates, iterableRecordJson, toUnixSeconds, withIterableDates } from './dates'
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

/**
 * A body whose dataFields are not yet written: `keys` are its other keys as they are sent, `dataFields` the mapped
 * ones (their date-times still to convert), `additions` set on dataFields as they are, over same-named fields. Written
 * as an object for a single call (asBody) or straight as JSON for a bulk record (asJson), the same keys either way.
 */
interface BodyParts<Keys> {
  keys: Keys
  dataFields: DataFields | undefined
  additions?: DataFields
}

const asBody = <Keys>({ keys, dataFields, additions }: BodyParts<Keys>): Keys & { dataFields: DataFields } => ({
  ...keys,
  dataFields: withIterableDates(dataFields, additions)
})

/** JSON.stringify(asBody(parts)), without copying dataFields (see iterableRecordJson). */
const asJson = <Keys extends object>({ keys, dataFields, additions }: BodyParts<Keys>): string =>
  iterableRecordJson(keys as { [key: string]: unknown }, dataFields, additions)

type UserKeys = Omit<UserUpdateBody, 'dataFields'>

/** A user's body; the phone number goes where Iterable reads it, `dataFields.phoneNumber`. */
function userParts(user: UpdateUserPayload | TrackPurchasePayload['user'], extra?: DataFields): BodyParts<UserKeys> {
  const phoneNumber = user.phoneNumber ? { phoneNumber: user.phoneNumber } : undefined
  return {
    keys: definedOnly({
      email: user.email,
      userId: user.userId,
      preferUserId: user.preferUserId,
      mergeNestedObjects: user.mergeNestedObjects
    }),
    dataFields: user.dataFields,
    additions: extra ? { ...phoneNumber, ...extra } : phoneNumber
  }
}

export function userUpdateBody(payload: UpdateUserPayload): UserUpdateBody {
  requireIdentifier(payload)
  return asBody(userParts(payload))
}

/**
 * A user record of a bulk update, as JSON. Iterable's bulk endpoint has no email change; in hybrid projects setting
 * `dataFields.email` changes it, which is what the live destination does with `newEmail` in batches.
 */
export function bulkUserRecordJson(payload: UpdateUserPayload): string {
  requireIdentifier(payload)
  return asJson(userParts(payload, payload.newEmail ? { email: payload.newEmail } : undefined))
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

type EventKeys = Omit<TrackEventBody, 'dataFields'>

/** An events/track body; the caller has checked the identifiers. */
function eventParts(payload: EventLike, eventName: string): BodyParts<EventKeys> {
  return {
    keys: definedOnly({
      email: payload.email,
      userId: payload.userId,
      eventName,
      id: payload.id,
      createdAt: toUnixSeconds(payload.createdAt),
      campaignId: payload.campaignId,
      templateId: payload.templateId
    }),
    dataFields: payload.dataFields
  }
}

function trackEventParts(payload: TrackEventPayload): BodyParts<EventKeys> {
  requireIdentifier(payload)
  return eventParts(payload, payload.eventName)
}

export const trackEventBody = (payload: TrackEventPayload): TrackEventBody => asBody(trackEventParts(payload))
export const trackEventRecordJson = (payload: TrackEventPayload): string => asJson(trackEventParts(payload))

function trackPageParts(payload: TrackPagePayload, settings: Settings): BodyParts<EventKeys> {
  const page = { kind: (payload.eventType ?? 'page') as PageKind, name: payload.name, category: payload.category }
  requireIdentifier(payload)
  assertPageIsTracked(page, settings)
  return eventParts(payload, pageEventName(page, settings))
}

export const trackPageBody = (payload: TrackPagePayload, settings: Settings): TrackEventBody =>
  asBody(trackPageParts(payload, settings))
export const trackPageRecordJson = (payload: TrackPagePayload, settings: Settings): string =>
  asJson(trackPageParts(payload, settings))

function commerceUser(user: TrackPurchasePayload['user']): CommerceUser {
  requireIdentifier(user, { email: 'user.email', userId: 'user.userId' })
  return asBody(userParts(user))
}

export function trackPurchaseBody(payload: TrackPurchasePayload): TrackPurchaseBody {
  const user = commerceUser(payload.user)
  // The products are sent as items; repeating them in the purchase's dataFields would only double the payload.
  const { products, ...purchaseFields } = payload.dataFields ?? {}
  return definedOnly({
    id: payload.id,
    user,
    items: toCommerceItems(payload.items as MappedItem[], Array.isArray(products) ? products : undefined),
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
