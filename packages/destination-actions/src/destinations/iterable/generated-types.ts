// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * To obtain the API Key, go to the Iterable app and navigate to Integrations > API Keys. Create a new API Key with the 'Server-Side' type.
   */
  apiKey: string
  /**
   * The location where your Iterable data is hosted.
   */
  dataCenterLocation?: string
  /**
   * How your Iterable project identifies users (Iterable: Project Settings > Project type). Email-based: email is unique; an email changes through users/updateEmail. Hybrid: email and userId are both unique. UserID-based: userId identifies users and is required. In hybrid and userID-based projects an email changes through users/update with the userId. Not set: email or userId identify users, a single event changes an email through users/updateEmail and a batched one through dataFields.email, as before this setting existed. Email-based projects are not offered in the EU data center.
   */
  iterableProjectType?: string
  /**
   * Send every page and screen call, whatever its name or category.
   */
  trackAllPages?: boolean
  /**
   * Send page and screen calls that have a category.
   */
  trackCategorizedPages?: boolean
  /**
   * Send page and screen calls that have a name.
   */
  trackNamedPages?: boolean
  /**
   * Send every page call as the event "Loaded a Page" and every screen call as "Loaded a Screen", instead of "<name> page" / "<name> screen".
   */
  mapToSingleEvent?: boolean
  /**
   * What Segment's user deletion requests do in Iterable. Delete (the default): Iterable deletes the user's profile and data; later events about the user create a new profile. Forget (GDPR): Iterable deletes the data and also refuses any data about the user from then on, until the user is unforgotten in Iterable; Iterable takes at most 1,000 forget requests a day per project. In email-based projects Iterable forgets users by email only, so Segment first reads the email from the user's profile (set Iterable Project Type). A user Iterable does not know counts as deleted.
   */
  deletionMode?: string
}
