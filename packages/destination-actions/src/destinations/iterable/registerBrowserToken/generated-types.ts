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
   * The browser's web push token, as the Firebase Cloud Messaging JavaScript SDK gives it (getToken).
   */
  browserToken: string
}
