import { badParams, describePaths, failure, ok, success } from '../answers'
import type { Answer } from '../answers'
import {
  byteLength,
  dataFieldsOf,
  mismatchAnswer,
  normalisedFields,
  numberOrUndefined,
  refuseMalformed,
  stringOrUndefined
} from '../context'
import type { Context } from '../context'
import { fromUnixTimestamp } from '../dates'
import { EVENT_LISTS, FailedLists, failureAnswer, listFor } from '../failures'
import { TypeCheck, eventScope } from '../field-types'
import { identify, isFailure, materialise } from '../identity'
import type { Failure, Target } from '../identity'
import { generateId } from '../store'
import type { DataFields, Store, StoredUser } from '../store'
import { MAX_EVENT_ID_BYTES, isValidEmail } from '../validation'
import type { PathErrors } from '../validation'

// Custom events: track, trackBulk, and the reads of a user's events.

interface EventRecord {
  email?: string | null
  userId?: string | null
  eventName: string
  id?: string | null
  createdAt?: number | null
  dataFields?: unknown
  campaignId?: number | null
  templateId?: number | null
}

interface EventPlan {
  target: Target
  record: EventRecord
  fields: DataFields
}

/** Checks Iterable makes on an event's own keys, with the path of the event (`obj` or `obj.events[3]`). */
function eventParamErrors(record: EventRecord, at: string): PathErrors | undefined {
  if (record.eventName.trim() === '') return { [`${at}.eventName`]: 'eventName must not be empty' }
  if (typeof record.id === 'string' && byteLength(record.id) > MAX_EVENT_ID_BYTES)
    return { [`${at}.id`]: `id must be at most ${MAX_EVENT_ID_BYTES} bytes` }
  return undefined
}

/**
 * Events create the user they name by email (and, in userID-based and hybrid projects, by userId); in email-based
 * projects a userId alone must name a known user.
 */
function planEvent(ctx: Context, record: EventRecord, check: TypeCheck, createNewFields: boolean): EventPlan | Failure {
  const target = identify(ctx.store, ctx.project.type, record.email, record.userId, {
    preferUserId: false,
    updateOnly: false
  })
  if (isFailure(target)) return target
  const fields = check.check(eventScope(record.eventName), dataFieldsOf(record.dataFields), createNewFields)
  return { target, record, fields }
}

function applyEvent(ctx: Context, { target, record, fields }: EventPlan): string {
  const user = materialise(ctx.store, ctx.project.type, target)
  const id = stringOrUndefined(record.id) || generateId()
  const createdAt = numberOrUndefined(record.createdAt)
  ctx.store.putEvent({
    id,
    userKey: user.key,
    eventType: 'customEvent',
    eventName: record.eventName,
    createdAt: createdAt !== undefined ? fromUnixTimestamp(createdAt) : new Date(),
    dataFields: normalisedFields(ctx.store, eventScope(record.eventName), fields),
    ...(typeof record.campaignId === 'number' && { campaignId: record.campaignId }),
    ...(typeof record.templateId === 'number' && { templateId: record.templateId })
  })
  return id
}

const disallowedAnswer = (name: string) =>
  badParams(`Event name "${name}" is not allowed in this project (obj.eventName)`)

export function trackEvent(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'track', body)
  if (malformed) return malformed
  const record = body as EventRecord & { createNewFields?: boolean | null }
  const paramErrors = eventParamErrors(record, 'obj')
  if (paramErrors) return badParams(`Invalid event: ${describePaths(paramErrors)}`)
  if (ctx.store.disallowedEventNames.has(record.eventName)) return disallowedAnswer(record.eventName)
  const check = new TypeCheck(ctx.store.types)
  const plan = planEvent(ctx, record, check, record.createNewFields ?? ctx.project.createNewFields)
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 400, canCreate: false })
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  return success({ id: applyEvent(ctx, plan) })
}

export function trackBulk(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'trackBulk', body)
  if (malformed) return malformed
  const request = body as { events: EventRecord[]; createNewFields?: boolean | null }
  // One object filled in place: spreading it per event would copy every error gathered so far, event after event.
  const paramErrors: PathErrors = {}
  request.events.forEach((record, index) =>
    Object.assign(paramErrors, eventParamErrors(record, `obj.events[${index}]`))
  )
  if (Object.keys(paramErrors).length > 0) return badParams(`Invalid events: ${describePaths(paramErrors)}`)

  const createNewFields = request.createNewFields ?? ctx.project.createNewFields
  const check = new TypeCheck(ctx.store.types)
  const failed = new FailedLists(EVENT_LISTS)
  const disallowed = new Set<string>()
  const plans: EventPlan[] = []
  for (const record of request.events) {
    if (ctx.store.disallowedEventNames.has(record.eventName)) {
      disallowed.add(record.eventName)
      continue
    }
    const plan = planEvent(ctx, record, check, createNewFields)
    if (!isFailure(plan)) plans.push(plan)
    else {
      const { list, value } = listFor(plan)
      // Events have no conflict or invalid-data lists: such a record is named among the invalid ones.
      const eventList = (EVENT_LISTS as readonly string[]).includes(list)
        ? (list as typeof EVENT_LISTS[number])
        : list.endsWith('UserIds')
        ? 'invalidUserIds'
        : 'invalidEmails'
      failed.add(eventList, value)
    }
  }
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  for (const plan of plans) applyEvent(ctx, plan)

  const failedUpdates = failed.toJSON()
  return ok({
    successCount: plans.length,
    failCount: request.events.length - plans.length,
    // Deprecated: the malformed emails, and the userIds that were not found.
    invalidEmails: failedUpdates.invalidEmails,
    invalidUserIds: failedUpdates.notFoundUserIds,
    failedUpdates,
    disallowedEventNames: [...disallowed],
    createdFields: [...check.createdFields],
    filteredOutFields: [...check.filteredOutFields]
  })
}

// Reads.

/** `limit`: 1 to 200, 30 when absent. */
function eventLimit(query: URLSearchParams): number | Answer {
  const raw = query.get('limit')
  if (raw === null) return 30
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    return badParams(`Invalid limit: ${raw}. limit must be an integer from 1 to 200.`)
  return limit
}

function eventsAnswer(store: Store, user: StoredUser | undefined, query: URLSearchParams): Answer {
  const limit = eventLimit(query)
  if (typeof limit !== 'number') return limit
  return ok({ events: user ? store.eventsOf(user, limit).map((event) => store.renderEvent(event)) : [] })
}

export function getEventsByEmail(ctx: Context, email: string, query: URLSearchParams): Answer {
  if (!isValidEmail(email)) return failure(400, 'InvalidEmailAddressError', `Invalid email: ${email}`)
  return eventsAnswer(ctx.store, ctx.store.findByEmail(email), query)
}

export const getEventsByUserId = (ctx: Context, userId: string, query: URLSearchParams) =>
  eventsAnswer(ctx.store, ctx.store.findByUserId(userId), query)
