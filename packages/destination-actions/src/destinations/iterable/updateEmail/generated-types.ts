// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The email address the user has now. Either this or Current User ID is required. Iterable allows this call in email-based projects only; in userID-based and hybrid projects, change the email with Upsert User and the userId instead.
   */
  currentEmail?: string
  /**
   * The userId of the user whose email changes. Either this or Current Email Address is required. Iterable allows this call in email-based projects only; in userID-based and hybrid projects, change the email with Upsert User and the userId instead.
   */
  currentUserId?: string
  /**
   * The email address the user gets. Iterable allows this call in email-based projects only; in userID-based and hybrid projects, change the email with Upsert User and the userId instead.
   */
  newEmail: string
}
