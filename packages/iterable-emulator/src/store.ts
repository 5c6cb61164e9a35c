import { randomBytes } from 'node:crypto'
import { formatIterableDate, normaliseDate } from './dates'
import { FieldTypes, type FieldScope } from './field-types'

// The emulated project's data, in memory: users, their events and purchases, and the project's field types.
// An email-based project: a user is identified by email (compared without regard to case); a userId is an attribute
// that several users may share (Iterable's own delete-by-userId "deletes them all"), and a lookup by userId finds the
// most recently updated one.

export type DataFields = Record<string, unknown>

export interface StoredUser {
  /** Internal key: events point at it, so they follow the user when the email changes. */
  key: number
  email: string
  userId?: string
  /** The profile's fields, `signupDate`, `signupSource`, `phoneNumber` and `shoppingCartItems` included. */
  dataFields: DataFields
  createdAt: Date
  updatedAt: Date
  /** Order of the last change, to find the most recently updated of the users sharing a userId. */
  revision: number
}

export interface StoredEvent {
  /** The id sent, or one generated as Iterable does; sending the same id again replaces the event. */
  id: string
  userKey: number
  eventType: 'customEvent' | 'purchase'
  /** The custom event's name; purchases have none. */
  eventName?: string
  createdAt: Date
  dataFields: DataFields
  campaignId?: number
  templateId?: number
  /** Purchases: the order total and the items bought. */
  total?: number
  shoppingCartItems?: unknown[]
  revision: number
}

/** A user as Iterable's GET endpoints answer: `{ email, userId, dataFields }`, the identifiers repeated in dataFields. */
export interface ApiUser {
  email: string
  userId?: string
  dataFields: DataFields
}

export interface RequestLogEntry {
  at: string
  method: string
  /** The path without its query string (a query may carry `api_key`). */
  path: string
  /** 0 when the connection was dropped on purpose. */
  status: number
  ms: number
}

/** How many requests the state dump remembers. */
const REQUEST_LOG_SIZE = 500

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** A copy without null values at any depth: null removes a field, it is never stored. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (!isPlainObject(value)) return value
  const copy: Record<string, unknown> = {}
  for (const [key, nested] of Object.entries(value)) if (nested !== null) copy[key] = withoutNulls(nested)
  return copy
}

/** Writes `incoming` over `target`: null removes; with `merge`, objects are merged key by key instead of replaced. */
export function writeFields(target: DataFields, incoming: DataFields, merge: boolean): void {
  for (const [key, value] of Object.entries(incoming)) {
    if (value === null || value === undefined) delete target[key]
    else if (merge && isPlainObject(value) && isPlainObject(target[key]))
      writeFields(target[key] as DataFields, value, true)
    else target[key] = withoutNulls(value)
  }
}

/** A 32-character hex id, the shape of the ids Iterable generates. */
export const generateId = () => randomBytes(16).toString('hex')

export class Store {
  readonly users = new Map<number, StoredUser>()
  readonly events = new Map<string, StoredEvent>()
  readonly types = new FieldTypes()
  readonly requests: RequestLogEntry[] = []
  private readonly byEmail = new Map<string, number>()
  private readonly byUserId = new Map<string, Set<number>>()
  private nextKey = 1
  private revision = 0

  constructor(
    /** Users forgotten at their request (GDPR): every call about them is refused. */
    readonly forgottenEmails = new Set<string>(),
    readonly forgottenUserIds = new Set<string>(),
    /** Event names the project blocks. */
    readonly disallowedEventNames = new Set<string>()
  ) {}

  reset(): void {
    this.users.clear()
    this.events.clear()
    this.byEmail.clear()
    this.byUserId.clear()
    this.types.reset()
    this.requests.length = 0
    this.nextKey = 1
    this.revision = 0
  }

  isForgottenEmail = (email: string) => this.forgottenEmails.has(email.toLowerCase())
  isForgottenUserId = (userId: string) => this.forgottenUserIds.has(userId)

  findByEmail(email: string): StoredUser | undefined {
    const key = this.byEmail.get(email.toLowerCase())
    return key === undefined ? undefined : this.users.get(key)
  }

  /** The most recently updated user with this userId. */
  findByUserId(userId: string): StoredUser | undefined {
    let found: StoredUser | undefined
    for (const key of this.byUserId.get(userId) ?? []) {
      const user = this.users.get(key)
      if (user && (!found || user.revision > found.revision)) found = user
    }
    return found
  }

  createUser(email: string, userId?: string): StoredUser {
    const now = new Date()
    const user: StoredUser = {
      key: this.nextKey++,
      email,
      dataFields: { signupDate: formatIterableDate(now), signupSource: 'API' },
      createdAt: now,
      updatedAt: now,
      revision: ++this.revision
    }
    this.users.set(user.key, user)
    this.byEmail.set(email.toLowerCase(), user.key)
    if (userId !== undefined) this.setUserId(user, userId)
    return user
  }

  /** A user known only by userId gets a placeholder address, as Iterable gives one in email-based projects. */
  createPlaceholderUser(userId: string): StoredUser {
    return this.createUser(`${randomBytes(16).toString('hex')}@placeholder.email`, userId)
  }

  setUserId(user: StoredUser, userId: string): void {
    if (user.userId === userId) return
    if (user.userId !== undefined) this.byUserId.get(user.userId)?.delete(user.key)
    user.userId = userId
    const keys = this.byUserId.get(userId) ?? new Set<number>()
    keys.add(user.key)
    this.byUserId.set(userId, keys)
  }

  changeEmail(user: StoredUser, newEmail: string): void {
    this.byEmail.delete(user.email.toLowerCase())
    user.email = newEmail
    this.byEmail.set(newEmail.toLowerCase(), user.key)
    this.touch(user)
  }

  touch(user: StoredUser): void {
    user.updatedAt = new Date()
    user.revision = ++this.revision
  }

  /** Stores an event; an event with the id of an earlier one of the same kind replaces it. */
  putEvent(event: Omit<StoredEvent, 'revision'>): StoredEvent {
    const stored = { ...event, revision: ++this.revision }
    this.events.set(`${event.eventType}:${event.id}`, stored)
    return stored
  }

  /** A user's events and purchases, the most recent first. */
  eventsOf(user: StoredUser, limit: number): StoredEvent[] {
    return [...this.events.values()]
      .filter((event) => event.userKey === user.key)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.revision - a.revision)
      .slice(0, limit)
  }

  /** Date strings sent to date fields, in the format Iterable stores them in. */
  normaliseDates(scope: FieldScope, fields: DataFields): DataFields {
    const visit = (path: string, value: unknown): unknown => {
      if (typeof value === 'string') return this.types.get(scope.key, path) === 'date' ? normaliseDate(value) : value
      if (Array.isArray(value)) return value.map((item) => visit(path, item))
      if (!isPlainObject(value)) return value
      return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, visit(`${path}.${key}`, nested)]))
    }
    return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, visit(key, value)]))
  }

  renderUser(user: StoredUser): ApiUser {
    const dataFields: DataFields = {
      ...user.dataFields,
      email: user.email,
      ...(user.userId !== undefined && { userId: user.userId }),
      profileUpdatedAt: formatIterableDate(user.updatedAt),
      itblInternal: {
        documentCreatedAt: formatIterableDate(user.createdAt),
        documentUpdatedAt: formatIterableDate(user.updatedAt),
        emailDomain: user.email.slice(user.email.lastIndexOf('@') + 1)
      }
    }
    return { email: user.email, ...(user.userId !== undefined && { userId: user.userId }), dataFields }
  }

  renderEvent(event: StoredEvent): Record<string, unknown> {
    const user = this.users.get(event.userKey)
    return {
      _id: event.id,
      eventType: event.eventType,
      ...(event.eventName !== undefined && { eventName: event.eventName }),
      email: user?.email,
      ...(user?.userId !== undefined && { userId: user.userId }),
      createdAt: formatIterableDate(event.createdAt),
      ...(event.campaignId !== undefined && { campaignId: event.campaignId }),
      ...(event.templateId !== undefined && { templateId: event.templateId }),
      ...(event.total !== undefined && { total: event.total }),
      ...(event.shoppingCartItems !== undefined && { shoppingCartItems: event.shoppingCartItems }),
      dataFields: event.dataFields
    }
  }

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry)
    if (this.requests.length > REQUEST_LOG_SIZE) this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE)
  }

  /** Everything the emulator holds, as `GET /_emulator/state` answers. */
  snapshot() {
    return {
      users: [...this.users.values()].map((user) => this.renderUser(user)),
      events: [...this.events.values()].sort((a, b) => a.revision - b.revision).map((event) => this.renderEvent(event)),
      fieldTypes: this.types.snapshot(),
      forgottenEmails: [...this.forgottenEmails],
      forgottenUserIds: [...this.forgottenUserIds],
      disallowedEventNames: [...this.disallowedEventNames],
      requests: [...this.requests]
    }
  }
}
