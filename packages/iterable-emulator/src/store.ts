import { randomBytes } from 'node:crypto'
import { formatIterableDate, normaliseDate } from './dates'
import { FieldTypes } from './field-types'
import type { CatalogFieldType, FieldScope } from './field-types'
import { regionCodeOf } from './phone'
import { listField } from './project'
import type { ProjectType } from './project'

// The emulated project's data, in memory: users, their events and purchases, lists and devices, catalogs and their
// items, and the project's field types. Emails are compared without regard to case, userIds exactly. The store indexes users by both and lets
// several users share either: which identifier is unique depends on the project type, and `identity.ts` enforces it.
// A lookup that finds several users (a userId in an email-based project) answers the most recently updated one.

export type DataFields = Record<string, unknown>

export interface StoredUser {
  /** Internal key: events point at it, so they follow the user when the email changes. */
  key: number
  /** Absent for users known by userId alone in userID-based and hybrid projects. */
  email?: string
  userId?: string
  /** The profile's fields, `signupDate`, `signupSource`, `phoneNumber` and `shoppingCartItems` included. */
  dataFields: DataFields
  /** When the profile document was created: at signup, and again when updateEmail moves the user to a new one. */
  createdAt: Date
  updatedAt: Date
  /** Order of the last change, to find the most recently updated of the users sharing an identifier. */
  revision: number
  /** The static lists the user is on, in the order they joined. */
  listIds: number[]
  /** Set once the user is on a list or has subscription preferences: Iterable then shows all four lists. */
  subscriptions?: Subscriptions
  devices: StoredDevice[]
  browserTokens: string[]
  /**
   * `itblInternal.regionCode`: set from the phone number when one is written, and kept when it is removed (as real
   * profiles show), until updateEmail moves the user to a new document.
   */
  regionCode?: string
}

export interface Subscriptions {
  subscribedMessageTypeIds: number[]
  unsubscribedChannelIds: number[]
  unsubscribedMessageTypeIds: number[]
}

/** A push device as Iterable shows it on the profile: its dataFields beside its own keys. */
export interface StoredDevice {
  token: string
  platform: string
  applicationName: string
  endpointEnabled: boolean
  dataFields: DataFields
}

export interface StoredList {
  id: number
  name: string
  description?: string
  /** Epoch milliseconds, as `GET /api/lists` answers. */
  createdAt: number
  listType: 'Standard'
}

/** A catalog: its items, and the types its field mappings set (a field without a mapping is undefined). */
export interface StoredCatalog {
  id: number
  /** As created. Names match without regard to case; the store keys catalogs by the lowercased name. */
  name: string
  /** Epoch milliseconds. */
  createdAt: number
  /** Field types by path: `price`, and for the children of an object field `details.color`. Never changed once set. */
  fieldTypes: Map<string, CatalogFieldType>
  /** By item id (case-sensitive), in the order the items were first created. */
  items: Map<string, StoredCatalogItem>
}

export interface StoredCatalogItem {
  itemId: string
  value: DataFields
  /** Epoch milliseconds of the last write, as Iterable's `lastModified`. */
  lastModified: number
}

/** A catalog item as Iterable's reads answer it (`CatalogItemWithProperties`). */
export interface ApiCatalogItem {
  catalogName: string
  itemId: string
  /** Bytes of the item's JSON. */
  size: number
  lastModified: number
  value: DataFields
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
  /** Empty for a user without an email (userID-based and hybrid projects). */
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

/** The id of the first list a project creates (Iterable's list ids are large integers). */
const FIRST_LIST_ID = 100001

/** The id of the first catalog a project creates. */
const FIRST_CATALOG_ID = 2001

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
  readonly lists = new Map<number, StoredList>()
  /** By lowercased name: catalog names are case-insensitive. */
  readonly catalogs = new Map<string, StoredCatalog>()
  readonly types = new FieldTypes()
  readonly requests: RequestLogEntry[] = []
  /** Users forgotten at their request (GDPR): every call about them is refused. Starts as configured. */
  readonly forgottenEmails: Set<string>
  readonly forgottenUserIds: Set<string>
  private readonly byEmail = new Map<string, Set<number>>()
  private readonly byUserId = new Map<string, Set<number>>()
  private nextKey = 1
  private nextListId = FIRST_LIST_ID
  private nextCatalogId = FIRST_CATALOG_ID
  private revision = 0

  constructor(
    private readonly configuredForgottenEmails = new Set<string>(),
    private readonly configuredForgottenUserIds = new Set<string>(),
    /** Event names the project blocks. */
    readonly disallowedEventNames = new Set<string>(),
    readonly projectType: ProjectType = 'email'
  ) {
    this.forgottenEmails = new Set(configuredForgottenEmails)
    this.forgottenUserIds = new Set(configuredForgottenUserIds)
  }

  reset(): void {
    this.users.clear()
    this.events.clear()
    this.lists.clear()
    this.catalogs.clear()
    this.byEmail.clear()
    this.byUserId.clear()
    this.types.reset()
    this.requests.length = 0
    this.nextKey = 1
    this.nextListId = FIRST_LIST_ID
    this.nextCatalogId = FIRST_CATALOG_ID
    this.revision = 0
    this.forgottenEmails.clear()
    for (const email of this.configuredForgottenEmails) this.forgottenEmails.add(email)
    this.forgottenUserIds.clear()
    for (const userId of this.configuredForgottenUserIds) this.forgottenUserIds.add(userId)
  }

  isForgottenEmail = (email: string) => this.forgottenEmails.has(email.toLowerCase())
  isForgottenUserId = (userId: string) => this.forgottenUserIds.has(userId)

  /** The most recently updated user with this email. */
  findByEmail(email: string): StoredUser | undefined {
    return this.latest(this.byEmail.get(email.toLowerCase()))
  }

  /** The most recently updated user with this userId. */
  findByUserId(userId: string): StoredUser | undefined {
    return this.latest(this.byUserId.get(userId))
  }

  /** Every user with this userId (an email-based project lets several share one). */
  allByUserId(userId: string): StoredUser[] {
    return [...(this.byUserId.get(userId) ?? [])].flatMap((key) => this.users.get(key) ?? [])
  }

  private latest(keys: Set<number> | undefined): StoredUser | undefined {
    let found: StoredUser | undefined
    for (const key of keys ?? []) {
      const user = this.users.get(key)
      if (user && (!found || user.revision > found.revision)) found = user
    }
    return found
  }

  createUser(email: string | undefined, userId?: string): StoredUser {
    const now = new Date()
    const user: StoredUser = {
      key: this.nextKey++,
      dataFields: { signupDate: formatIterableDate(now), signupSource: 'API' },
      createdAt: now,
      updatedAt: now,
      revision: ++this.revision,
      listIds: [],
      devices: [],
      browserTokens: []
    }
    this.users.set(user.key, user)
    if (email !== undefined) this.setEmail(user, email)
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
    index(this.byUserId, userId, user.key)
  }

  setEmail(user: StoredUser, email: string): void {
    if (user.email === email) return
    if (user.email !== undefined) this.byEmail.get(user.email.toLowerCase())?.delete(user.key)
    user.email = email
    index(this.byEmail, email.toLowerCase(), user.key)
  }

  /** updateEmail: the profile moves whole to the new address, in a new document (signed up now). */
  changeEmail(user: StoredUser, newEmail: string): void {
    this.setEmail(user, newEmail)
    const now = new Date()
    user.createdAt = now
    user.dataFields.signupDate = formatIterableDate(now)
    user.regionCode = undefined
    this.touch(user)
  }

  touch(user: StoredUser): void {
    user.regionCode = regionCodeOf(user.dataFields.phoneNumber) ?? user.regionCode
    user.updatedAt = new Date()
    user.revision = ++this.revision
  }

  /** Deletes the user, their events and their list memberships. */
  deleteUser(user: StoredUser): void {
    this.users.delete(user.key)
    if (user.email !== undefined) this.byEmail.get(user.email.toLowerCase())?.delete(user.key)
    if (user.userId !== undefined) this.byUserId.get(user.userId)?.delete(user.key)
    for (const [key, event] of this.events) if (event.userKey === user.key) this.events.delete(key)
  }

  /** GDPR forget: the user is deleted and neither of their identifiers may be written again. */
  forget(identifiers: { email?: string; userId?: string }, user: StoredUser | undefined): void {
    for (const email of [identifiers.email, user?.email]) if (email) this.forgottenEmails.add(email.toLowerCase())
    for (const userId of [identifiers.userId, user?.userId]) if (userId) this.forgottenUserIds.add(userId)
    if (user) this.deleteUser(user)
  }

  createList(name: string, description?: string): StoredList {
    const list: StoredList = {
      id: this.nextListId++,
      name,
      ...(description !== undefined && { description }),
      createdAt: Date.now(),
      listType: 'Standard'
    }
    this.lists.set(list.id, list)
    return list
  }

  deleteList(id: number): void {
    this.lists.delete(id)
    for (const user of this.users.values()) user.listIds = user.listIds.filter((listId) => listId !== id)
  }

  /** The users on a list, in the order they were created. */
  membersOf(listId: number): StoredUser[] {
    return [...this.users.values()].filter((user) => user.listIds.includes(listId))
  }

  /** The subscription preferences, created (all empty) on first use. */
  subscriptionsOf(user: StoredUser): Subscriptions {
    user.subscriptions ??= { subscribedMessageTypeIds: [], unsubscribedChannelIds: [], unsubscribedMessageTypeIds: [] }
    return user.subscriptions
  }

  findCatalog(name: string): StoredCatalog | undefined {
    return this.catalogs.get(name.toLowerCase())
  }

  createCatalog(name: string): StoredCatalog {
    const catalog: StoredCatalog = {
      id: this.nextCatalogId++,
      name,
      createdAt: Date.now(),
      fieldTypes: new Map(),
      items: new Map()
    }
    this.catalogs.set(name.toLowerCase(), catalog)
    return catalog
  }

  deleteCatalog(catalog: StoredCatalog): void {
    this.catalogs.delete(catalog.name.toLowerCase())
  }

  /** Writes an item whole; an item already there keeps its place in the catalog's order. */
  putCatalogItem(catalog: StoredCatalog, itemId: string, value: DataFields): void {
    catalog.items.set(itemId, { itemId, value, lastModified: Date.now() })
  }

  renderCatalogItem(catalog: StoredCatalog, item: StoredCatalogItem): ApiCatalogItem {
    return {
      catalogName: catalog.name,
      itemId: item.itemId,
      size: Buffer.byteLength(JSON.stringify(item.value), 'utf8'),
      lastModified: item.lastModified,
      value: item.value
    }
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

  /** A profile as Iterable's reads answer it: the identifiers, the user's fields and what Iterable adds. */
  renderUser(user: StoredUser): ApiUser {
    const { regionCode } = user
    const dataFields: DataFields = {
      ...user.dataFields,
      ...(user.email !== undefined && { email: user.email }),
      ...(user.userId !== undefined && { userId: user.userId }),
      profileUpdatedAt: formatIterableDate(user.updatedAt),
      ...(user.subscriptions && {
        [listField(this.projectType)]: [...user.listIds],
        subscribedMessageTypeIds: [...user.subscriptions.subscribedMessageTypeIds],
        unsubscribedChannelIds: [...user.subscriptions.unsubscribedChannelIds],
        unsubscribedMessageTypeIds: [...user.subscriptions.unsubscribedMessageTypeIds]
      }),
      ...(user.devices.length > 0 && {
        devices: user.devices.map(({ dataFields: deviceFields, ...device }) => ({ ...deviceFields, ...device }))
      }),
      ...(user.browserTokens.length > 0 && { browserTokens: [...user.browserTokens] }),
      itblInternal: {
        ...(regionCode !== undefined && { regionCode }),
        documentCreatedAt: formatIterableDate(user.createdAt),
        documentUpdatedAt: formatIterableDate(user.updatedAt),
        ...(user.email !== undefined && { emailDomain: user.email.slice(user.email.lastIndexOf('@') + 1) })
      }
    }
    // Iterable's spec and its own client require `email` on every user read: a user without one (userID-based and
    // hybrid projects) reads with an empty email, and no email in dataFields.
    return { email: user.email ?? '', ...(user.userId !== undefined && { userId: user.userId }), dataFields }
  }

  renderEvent(event: StoredEvent): Record<string, unknown> {
    const user = this.users.get(event.userKey)
    return {
      _id: event.id,
      eventType: event.eventType,
      ...(event.eventName !== undefined && { eventName: event.eventName }),
      ...(user?.email !== undefined && { email: user.email }),
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
      projectType: this.projectType,
      users: [...this.users.values()].map((user) => this.renderUser(user)),
      events: [...this.events.values()].sort((a, b) => a.revision - b.revision).map((event) => this.renderEvent(event)),
      lists: [...this.lists.values()],
      catalogs: [...this.catalogs.values()].map((catalog) => ({
        id: catalog.id,
        name: catalog.name,
        createdAt: catalog.createdAt,
        fieldMappings: Object.fromEntries(catalog.fieldTypes),
        items: [...catalog.items.values()].map((item) => this.renderCatalogItem(catalog, item))
      })),
      fieldTypes: this.types.snapshot(),
      forgottenEmails: [...this.forgottenEmails],
      forgottenUserIds: [...this.forgottenUserIds],
      disallowedEventNames: [...this.disallowedEventNames],
      requests: [...this.requests]
    }
  }
}

function index(map: Map<string, Set<number>>, value: string, key: number): void {
  const keys = map.get(value) ?? new Set<number>()
  keys.add(key)
  map.set(value, keys)
}
