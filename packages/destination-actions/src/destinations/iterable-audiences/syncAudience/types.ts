/** A user to add to a list (Iterable's `OptionalApiUser`). */
export type Subscriber = {
  email?: string
  userId?: string
  /** Lets a userId-only subscriber create a user in an email-based project (Iterable ignores it elsewhere). */
  preferUserId?: boolean
  dataFields?: { [key: string]: unknown }
}

/** A user to remove from a list (Iterable's `Unsubscriber`). */
export type Unsubscriber = {
  email?: string
  userId?: string
}

export type Direction = 'subscribe' | 'unsubscribe'

/** What one event asks of Iterable: add this user to this list, or remove them from it. */
export type Membership =
  | { listId: number; direction: 'subscribe'; member: Subscriber }
  | { listId: number; direction: 'unsubscribe'; member: Unsubscriber }
