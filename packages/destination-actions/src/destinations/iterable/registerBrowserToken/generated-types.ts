// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * An email address that identifies a user profile in Iterable. Either this or User ID is required. Segment reads it from the `email` key only: Iterable ignores other spellings.
   */
  email?: string
  /**
   * A user ID that identifies a user profile in Iterable (at most 52 characters). Either this or Email Address is required.
   */
  userId?: string
  /**
   * The browser's web push token, as the Firebase Cloud Messaging JavaScript SDK gives it (getToken).
   */
  browserToken: string
}
