import { badJsonBody, badParams, failure, ok, success, type Answer } from './answers'
import { fromUnixTimestamp } from './dates'
import {
  PURCHASE_SCOPE,
  USER_SCOPE,
  TypeCheck,
  eventScope,
  mismatchMessage,
  type FieldScope,
  type TypeMismatch
} from './field-types'
import { identify, isFailure, materialise, type Failure, type Target } from './identity'
import {
  generateId,
  isPlainObject,
  withoutNulls,
  writeFields,
  type DataFields,
  type Store,
  type StoredUser
} from './store'
import { MAX_EVENT_ID_BYTES, isValidEmail, isValidUserId, schemaErrors, type PathErrors } from './validation'
import type { SchemaName } from './schemas'

// One function per endpoint: a parsed body in, Iterable's answer out. A request is checked whole before anything is
// stored, so a refused request (a bad body, a field type mismatch) leaves the project as it was.

export interface Project {
  /** Named in Iterable's messages ("Project 12345: ..."). */
  projectId: number
  /** The project setting for fields no request has sent before: added (true) or dropped (false). */
  createNewFields: boolean
}

export interface Context {
  store: Store
  project: Project
  /** The request path, which Iterable repeats in some messages. */
  path: string
}

/** A string field value longer than this cannot be stored (Iterable's limit is about 32k characters). */
export const MAX_FIELD_VALUE_BYTES = 32_766

// Checks shared by the endpoints.

/** The schema's answer for a bad body, or undefined when it is well formed. */
function refuseMalformed(ctx: Context, schema: SchemaName, body: unknown): Answer | undefined {
  const errors = schemaErrors(schema, body)
  return errors ? badJsonBody(ctx.path, errors) : undefined
}

function mismatchAnswer(ctx: Context, mismatches: Record<string, TypeMismatch>): Answer {
  return failure(400, 'RequestFieldsTypesMismatched', mismatchMessage(ctx.project.projectId, mismatches), {
    validationErrors: mismatches
  })
}

const byteLength = (value: string) => Buffer.byteLength(value, 'utf8')

/** Data Iterable cannot store on a profile: an empty field name, a string value over the size limit. */
function invalidData(fields: DataFields, path = ''): { path: string; reason: string } | undefined {
  for (const [key, value] of Object.entries(fields)) {
    const at = path ? `${path}.${key}` : key
    if (key.trim() === '') return { path: at, reason: 'Field names must not be empty' }
    if (typeof value === 'string' && byteLength(value) > MAX_FIELD_VALUE_BYTES)
      return { path: at, reason: `Field values must be at most ${MAX_FIELD_VALUE_BYTES} bytes` }
    if (isPlainObject(value)) {
      const nested = invalidData(value, at)
      if (nested) return nested
    }
  }
  return undefined
}

/** A user's dataFields checked like its identifiers: `email` and `userId` in them must be well formed. */
function userFieldsFailure(fields: DataFields, ids: { email?: string; userId?: string }): Failure | undefined {
  if (typeof fields.email === 'string' && !isValidEmail(fields.email))
    return { kind: 'invalidEmail', value: fields.email, ...ids }
  if (typeof fields.userId === 'string' && !isValidUserId(fields.userId))
    return { kind: 'invalidUserId', value: fields.userId, ...ids }
  const problem = invalidData(fields)
  return problem ? { kind: 'invalidData', value: ids.email ?? ids.userId ?? '', ...ids, ...problem } : undefined
}

const dataFieldsOf = (value: unknown): DataFields => (isPlainObject(value) ? value : {})
const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined)
const numberOrUndefined = (value: unknown) => (typeof value === 'number' ? value : undefined)

/** How a single-record endpoint answers a failure about the user. */
function failureAnswer(problem: Failure, options: { prefix: string; forgottenStatus: number; canCreate: boolean }) {
  const { prefix, forgottenStatus, canCreate } = options
  switch (problem.kind) {
    case 'missingIdentifier':
      return badParams('Either email or userId must be provided to identify the user', {
        [`${prefix}email`]: 'Missing email or userId',
        [`${prefix}userId`]: 'Missing email or userId'
      })
    case 'invalidEmail':
      return failure(400, 'InvalidEmailAddressError', `Invalid email: ${problem.value}`)
    case 'invalidUserId':
      return failure(
        400,
        'InvalidUserIdError',
        `Invalid userId: "${problem.value}". A userId is 1 to 52 printable ASCII characters, without a trailing space.`
      )
    case 'forgottenEmail':
    case 'forgottenUserId':
      return failure(
        forgottenStatus,
        'ForgottenUserError',
        `User ${problem.value} has been forgotten at their request (GDPR); no data can be stored about them.`
      )
    case 'notFoundUserId':
      return badParams(
        `Cannot update user with userId ${problem.value}. User does not exist` +
          (canCreate ? '. Send an email, or set preferUserId to true to create a user with this userId.' : '.'),
        { [`${prefix}userId`]: 'User does not exist' }
      )
    case 'notFoundEmail':
      return badParams(`Cannot update user ${problem.value}. User does not exist.`, {
        [`${prefix}email`]: 'User does not exist'
      })
    case 'invalidData':
      return badParams(`Invalid data in dataFields.${problem.path}: ${problem.reason}`, {
        [`${prefix}dataFields.${problem.path}`]: problem.reason ?? 'Invalid value'
      })
  }
}

// Users.

interface UserRecord {
  email?: string | null
  userId?: string | null
  dataFields?: unknown
  preferUserId?: boolean | null
  mergeNestedObjects?: boolean | null
}

interface UserPlan {
  target: Target
  record: UserRecord
  /** The dataFields to store: as sent, less fields dropped by `createNewFields: false`. */
  fields: DataFields
}

/** Finds the user and checks their data; the field types go into `check`, to be committed with the request. */
function planUser(
  store: Store,
  record: UserRecord,
  check: TypeCheck,
  options: { createNewFields: boolean; updateOnly?: boolean }
): UserPlan | Failure {
  const target = identify(store, record.email, record.userId, {
    preferUserId: record.preferUserId === true,
    updateOnly: options.updateOnly === true
  })
  if (isFailure(target)) return target
  const sent = dataFieldsOf(record.dataFields)
  const ids = {
    ...(typeof record.email === 'string' && record.email !== '' && { email: record.email }),
    ...(typeof record.userId === 'string' && record.userId !== '' && { userId: record.userId })
  }
  const problem = userFieldsFailure(sent, ids)
  if (problem) return problem
  return { target, record, fields: check.check(USER_SCOPE, sent, options.createNewFields) }
}

/** Writes a planned update: creates the user if new, sets its userId, writes its fields. */
function applyUser(store: Store, { target, record, fields }: UserPlan): StoredUser {
  const user = materialise(store, target)
  const { email: _email, userId: fieldUserId, profileUpdatedAt: _updated, itblInternal: _internal, ...rest } = fields
  const userId = typeof record.userId === 'string' && record.userId !== '' ? record.userId : fieldUserId
  if (typeof userId === 'string') store.setUserId(user, userId)
  writeFields(user.dataFields, store.normaliseDates(USER_SCOPE, rest), record.mergeNestedObjects === true)
  store.touch(user)
  return user
}

export function updateUser(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'userUpdate', body)
  if (malformed) return malformed
  const record = body as UserRecord & { createNewFields?: boolean | null }
  const check = new TypeCheck(ctx.store.types)
  const plan = planUser(ctx.store, record, check, {
    createNewFields: record.createNewFields ?? ctx.project.createNewFields
  })
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 409, canCreate: true })
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  applyUser(ctx.store, plan)
  return success()
}

/** `failedUpdates` of a bulk answer, every list present (empty when nothing failed that way), each name listed once. */
class FailedLists<Name extends string> {
  private readonly lists: Record<string, Set<string>>

  constructor(readonly names: readonly Name[]) {
    this.lists = Object.fromEntries(names.map((name) => [name, new Set<string>()]))
  }

  add(list: Name, value: string): void {
    this.lists[list].add(value)
  }

  toJSON(): Record<Name, string[]> {
    return Object.fromEntries(this.names.map((name) => [name, [...this.lists[name]]])) as Record<Name, string[]>
  }
}

/** The lists of `failedUpdates` in Iterable's bulk answers: users (bulkUpdate) and events (trackBulk). */
export const USER_LISTS = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds',
  'conflictEmails',
  'conflictUserIds',
  'invalidDataEmails',
  'invalidDataUserIds'
] as const

export const EVENT_LISTS = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds'
] as const

type UserList = (typeof USER_LISTS)[number]

/** The failedUpdates list a failure goes to: the email lists name the email, the userId lists the userId. */
function listFor(problem: Failure): { list: UserList; value: string } {
  switch (problem.kind) {
    case 'missingIdentifier':
    case 'invalidEmail':
      return { list: 'invalidEmails', value: problem.value }
    case 'invalidUserId':
      return { list: 'invalidUserIds', value: problem.value }
    case 'forgottenEmail':
      return { list: 'forgottenEmails', value: problem.value }
    case 'forgottenUserId':
      return { list: 'forgottenUserIds', value: problem.value }
    case 'notFoundEmail':
      return { list: 'notFoundEmails', value: problem.value }
    case 'notFoundUserId':
      return { list: 'notFoundUserIds', value: problem.value }
    case 'invalidData':
      return problem.email !== undefined
        ? { list: 'invalidDataEmails', value: problem.email }
        : { list: 'invalidDataUserIds', value: problem.userId ?? '' }
  }
}

export function bulkUpdateUsers(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'bulkUpdate', body)
  if (malformed) return malformed
  const request = body as { users: UserRecord[]; createNewFields?: boolean | null; updateOnly?: boolean | null }
  const options = {
    createNewFields: request.createNewFields ?? ctx.project.createNewFields,
    updateOnly: request.updateOnly === true
  }
  const check = new TypeCheck(ctx.store.types)
  const failed = new FailedLists(USER_LISTS)
  const invalidEmails = new Set<string>()
  const invalidUserIds = new Set<string>()
  const plans: UserPlan[] = []

  for (const record of request.users) {
    const plan = planUser(ctx.store, record, check, options)
    if (!isFailure(plan)) {
      plans.push(plan)
      continue
    }
    const { list, value } = listFor(plan)
    failed.add(list, value)
    // The deprecated lists name every user that failed, by email when the record has one.
    if (plan.email !== undefined || plan.userId === undefined) invalidEmails.add(plan.email ?? value)
    else invalidUserIds.add(plan.userId)
  }
  // One record with a field of the wrong type refuses the whole request, as Iterable does.
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  for (const plan of plans) applyUser(ctx.store, plan)

  return ok({
    successCount: plans.length,
    failCount: request.users.length - plans.length,
    invalidEmails: [...invalidEmails],
    invalidUserIds: [...invalidUserIds],
    failedUpdates: failed.toJSON(),
    createdFields: [...check.createdFields],
    filteredOutFields: [...check.filteredOutFields]
  })
}

export function updateEmail(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'updateEmail', body)
  if (malformed) return malformed
  const { store } = ctx
  const { currentEmail, currentUserId, newEmail } = body as {
    currentEmail?: string | null
    currentUserId?: string | null
    newEmail: string
  }
  // currentEmail takes precedence when both are sent.
  const current = currentEmail || currentUserId
  if (!current) {
    return badParams('Either currentEmail or currentUserId must be provided', {
      'obj.currentEmail': 'Missing currentEmail or currentUserId',
      'obj.currentUserId': 'Missing currentEmail or currentUserId'
    })
  }
  if (!isValidEmail(newEmail)) return failure(400, 'InvalidEmailAddressError', `Invalid email: ${newEmail}`)
  const forgotten =
    store.isForgottenEmail(newEmail) ||
    (currentEmail ? store.isForgottenEmail(currentEmail) : store.isForgottenUserId(currentUserId as string))
  if (forgotten) {
    return failure(409, 'ForgottenUserError', `Cannot change user ${current} to ${newEmail}: a forgotten user (GDPR).`)
  }
  const user = currentEmail ? store.findByEmail(currentEmail) : store.findByUserId(currentUserId as string)
  if (!user) {
    return badParams(`Cannot change user Some(${current}) to ${newEmail}. User does not exist`)
  }
  const owner = store.findByEmail(newEmail)
  if (owner && owner !== user) {
    return failure(409, 'EmailAlreadyExists', `Cannot change user ${user.email} to ${newEmail}: email already exists`)
  }
  // The profile moves whole: data, cart and events (events point at the user, not at the address).
  store.changeEmail(user, newEmail)
  return success()
}

// Events.

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

/** Events create the user they name by email; a userId alone must name a known user. */
function planEvent(store: Store, record: EventRecord, check: TypeCheck, createNewFields: boolean): EventPlan | Failure {
  const target = identify(store, record.email, record.userId, { preferUserId: false, updateOnly: false })
  if (isFailure(target)) return target
  const fields = check.check(eventScope(record.eventName), dataFieldsOf(record.dataFields), createNewFields)
  return { target, record, fields }
}

function applyEvent(store: Store, { target, record, fields }: EventPlan): string {
  const user = materialise(store, target)
  const id = stringOrUndefined(record.id) || generateId()
  const createdAt = numberOrUndefined(record.createdAt)
  store.putEvent({
    id,
    userKey: user.key,
    eventType: 'customEvent',
    eventName: record.eventName,
    createdAt: createdAt !== undefined ? fromUnixTimestamp(createdAt) : new Date(),
    dataFields: normalisedFields(store, eventScope(record.eventName), fields),
    ...(typeof record.campaignId === 'number' && { campaignId: record.campaignId }),
    ...(typeof record.templateId === 'number' && { templateId: record.templateId })
  })
  return id
}

const normalisedFields = (store: Store, scope: FieldScope, fields: DataFields) =>
  withoutNulls(store.normaliseDates(scope, fields)) as DataFields

const disallowedAnswer = (name: string) =>
  badParams(`Event name "${name}" is not allowed in this project`, { 'obj.eventName': 'Disallowed event name' })

export function trackEvent(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'track', body)
  if (malformed) return malformed
  const record = body as EventRecord & { createNewFields?: boolean | null }
  const paramErrors = eventParamErrors(record, 'obj')
  if (paramErrors) return badParams('Invalid event', paramErrors)
  if (ctx.store.disallowedEventNames.has(record.eventName)) return disallowedAnswer(record.eventName)
  const check = new TypeCheck(ctx.store.types)
  const plan = planEvent(ctx.store, record, check, record.createNewFields ?? ctx.project.createNewFields)
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 400, canCreate: false })
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  return success({ id: applyEvent(ctx.store, plan) })
}

export function trackBulk(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'trackBulk', body)
  if (malformed) return malformed
  const request = body as { events: EventRecord[]; createNewFields?: boolean | null }
  if (request.events.length === 0) return badParams('No events to track', { 'obj.events': 'events must not be empty' })
  // One object filled in place: spreading it per event would copy every error gathered so far, event after event.
  const paramErrors: PathErrors = {}
  request.events.forEach((record, index) =>
    Object.assign(paramErrors, eventParamErrors(record, `obj.events[${index}]`))
  )
  if (Object.keys(paramErrors).length > 0) return badParams('Invalid events', paramErrors)

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
    const plan = planEvent(ctx.store, record, check, createNewFields)
    if (!isFailure(plan)) plans.push(plan)
    else {
      const { list, value } = listFor(plan)
      failed.add(list as (typeof EVENT_LISTS)[number], value)
    }
  }
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  for (const plan of plans) applyEvent(ctx.store, plan)

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

// Commerce.

interface CommerceBody {
  user: UserRecord & { createNewFields?: boolean | null }
  items: Record<string, unknown>[]
  createNewFields?: boolean | null
}

function planCommerceUser(ctx: Context, body: CommerceBody, check: TypeCheck): UserPlan | Answer {
  const plan = planUser(ctx.store, body.user, check, {
    createNewFields: body.createNewFields ?? body.user.createNewFields ?? ctx.project.createNewFields
  })
  return isFailure(plan) ? failureAnswer(plan, { prefix: 'obj.user.', forgottenStatus: 400, canCreate: true }) : plan
}

const isAnswer = (value: UserPlan | Answer): value is Answer => 'status' in value

export function trackPurchase(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'trackPurchase', body)
  if (malformed) return malformed
  const purchase = body as CommerceBody & {
    id?: string | null
    total: number
    createdAt?: number | null
    dataFields?: unknown
    campaignId?: number | null
    templateId?: number | null
  }
  if (typeof purchase.id === 'string' && byteLength(purchase.id) > MAX_EVENT_ID_BYTES)
    return badParams('Invalid purchase', { 'obj.id': `id must be at most ${MAX_EVENT_ID_BYTES} bytes` })
  const check = new TypeCheck(ctx.store.types)
  const plan = planCommerceUser(ctx, purchase, check)
  if (isAnswer(plan)) return plan
  const createNewFields = purchase.createNewFields ?? ctx.project.createNewFields
  const fields = check.check(PURCHASE_SCOPE, dataFieldsOf(purchase.dataFields), createNewFields)
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()

  const user = applyUser(ctx.store, plan)
  // A purchase empties the cart.
  user.dataFields.shoppingCartItems = []
  const id = stringOrUndefined(purchase.id) || generateId()
  const createdAt = numberOrUndefined(purchase.createdAt)
  ctx.store.putEvent({
    id,
    userKey: user.key,
    eventType: 'purchase',
    createdAt: createdAt !== undefined ? fromUnixTimestamp(createdAt) : new Date(),
    dataFields: normalisedFields(ctx.store, PURCHASE_SCOPE, fields),
    total: purchase.total,
    shoppingCartItems: withoutNulls(purchase.items) as unknown[],
    ...(typeof purchase.campaignId === 'number' && { campaignId: purchase.campaignId }),
    ...(typeof purchase.templateId === 'number' && { templateId: purchase.templateId })
  })
  return success({ id })
}

export function updateCart(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'updateCart', body)
  if (malformed) return malformed
  const cart = body as CommerceBody
  const check = new TypeCheck(ctx.store.types)
  const plan = planCommerceUser(ctx, cart, check)
  if (isAnswer(plan)) return plan
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  const user = applyUser(ctx.store, plan)
  // The items sent are the whole cart: they replace what was there.
  user.dataFields.shoppingCartItems = withoutNulls(cart.items)
  return success()
}

// Reads.

const userAnswer = (store: Store, user: StoredUser | undefined): Answer =>
  // An unknown user is an empty object, not an error (as Iterable answers).
  ok(user ? { user: store.renderUser(user) } : {})

export const getUserByEmail = (ctx: Context, email: string) => userAnswer(ctx.store, ctx.store.findByEmail(email))

export const getUserByUserId = (ctx: Context, userId: string) => userAnswer(ctx.store, ctx.store.findByUserId(userId))

/** `limit`: 1 to 200, 30 when absent. */
function eventLimit(query: URLSearchParams): number | Answer {
  const raw = query.get('limit')
  if (raw === null) return 30
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    return badParams(`Invalid limit: ${raw}`, { limit: 'limit must be an integer from 1 to 200' })
  return limit
}

function eventsAnswer(store: Store, user: StoredUser | undefined, query: URLSearchParams): Answer {
  const limit = eventLimit(query)
  if (typeof limit !== 'number') return limit
  return ok({ events: user ? store.eventsOf(user, limit).map((event) => store.renderEvent(event)) : [] })
}

export const getEventsByEmail = (ctx: Context, email: string, query: URLSearchParams) =>
  eventsAnswer(ctx.store, ctx.store.findByEmail(email), query)

export const getEventsByUserId = (ctx: Context, userId: string, query: URLSearchParams) =>
  eventsAnswer(ctx.store, ctx.store.findByUserId(userId), query)

/** The key check of Segment's destination: a project without webhooks. */
export const getWebhooks = (): Answer => ok({ webhooks: [] })
