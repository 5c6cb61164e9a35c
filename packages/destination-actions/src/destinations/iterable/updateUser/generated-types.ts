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
   * The new email address to assign to the user. In email-based projects (or when the Iterable Project Type setting is not set, for single events) Segment first updates the profile, then changes its email with a call to users/updateEmail; in hybrid and userID-based projects it sets the email with the userId in the same users/update call. When no project type is set, a batch sets it in dataFields.email, which only hybrid projects accept.
   */
  newEmail?: string
  /**
   * Data to store on the user profile. ISO-8601 date-times anywhere in it are sent in Iterable's date format, "YYYY-MM-DD HH:mm:ss +00:00" (UTC).
   */
  dataFields?: {
    [k: string]: unknown
  }
  /**
   * User phone number, including the country code (e.g. +14158675309). Sent as `dataFields.phoneNumber`, where Iterable reads it for SMS.
   */
  phoneNumber?: string | null
  /**
   * If you'd like to merge (rather than overwrite) a user profile's top-level objects with the values provided for them in the request body, set mergeNestedObjects to true.
   */
  mergeNestedObjects?: boolean
  /**
   * Only respected in email-based projects: create a new user when the request has a userId that doesn't yet exist in the Iterable project (and no email). When unmapped, it is sent as true for such requests when the Iterable Project Type setting is email-based.
   */
  preferUserId?: boolean
  /**
   * When enabled, Segment sends data to Iterable's bulk endpoint in batches of up to 1001.
   */
  enable_batching?: boolean
  /**
   * When enabled, Segment only updates existing users in Iterable; new users are not created. Applies to batches only (so does the Update sync mode of Reverse ETL, which sets it). Talk to your Iterable representative to enable this feature on the Iterable side.
   */
  updateOnly?: boolean
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower.
   */
  batch_size?: number
  /**
   * Maximum size of a batch in bytes: Iterable's bulk endpoints take at most 4 MB per request.
   */
  batch_bytes?: number
}
