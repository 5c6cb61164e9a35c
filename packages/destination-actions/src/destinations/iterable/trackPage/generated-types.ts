// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * An email address that identifies a user profile in Iterable (at most 254 characters). Either this or User ID is required (User ID in UserID-based projects).
   */
  email?: string
  /**
   * A user ID that identifies a user profile in Iterable (at most 52 characters). Either this or Email Address is required; UserID-based projects require it.
   */
  userId?: string
  /**
   * Whether this is a page (web) or a screen (mobile) call: the event name ends in "page" or "screen".
   */
  eventType?: string
  /**
   * The name of the page or screen. A page named "shoppingCart" becomes the event "shoppingCart page".
   */
  name?: string
  /**
   * The category of the page or screen; names the event when the page has no name.
   */
  category?: string
  /**
   * Properties of the page or screen, sent as the event's dataFields. ISO-8601 date-times in it are sent in Iterable's date format.
   */
  dataFields?: {
    [k: string]: unknown
  }
  /**
   * A unique ID (at most 512 bytes). If an event exists with that id, the event is updated; the default, the Segment messageId, keeps retries from creating duplicates.
   */
  id?: string
  /**
   * Time the event took place, between 1970 and 9999. Sent to Iterable as a Unix timestamp in seconds; a time without a zone is read as UTC.
   */
  createdAt?: string | number
  /**
   * Iterable campaign the event can be attributed to.
   */
  campaignId?: number
  /**
   * Iterable template the event can be attributed to.
   */
  templateId?: number
  /**
   * When enabled, Segment sends data to Iterable's bulk endpoint in batches of up to 1001.
   */
  enable_batching?: boolean
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower.
   */
  batch_size?: number
  /**
   * Maximum size of a batch in bytes: Iterable's bulk endpoints take at most 4 MB per request.
   */
  batch_bytes?: number
}
