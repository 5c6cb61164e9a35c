// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The email address the user has now. Either this or Current User ID is required. In email-based projects (and when the Iterable Project Type setting is not set) it calls users/updateEmail; in hybrid and userID-based projects, users/update with the current userId and the new email.
   */
  currentEmail?: string
  /**
   * The userId of the user whose email changes (at most 52 characters). Either this or Current Email Address is required. In email-based projects (and when the Iterable Project Type setting is not set) it calls users/updateEmail; in hybrid and userID-based projects, users/update with the current userId and the new email.
   */
  currentUserId?: string
  /**
   * The email address the user gets. In email-based projects (and when the Iterable Project Type setting is not set) it calls users/updateEmail; in hybrid and userID-based projects, users/update with the current userId and the new email.
   */
  newEmail: string
}
