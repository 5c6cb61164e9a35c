// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * To obtain the API Key, go to the Iterable app and navigate to Integrations > API Keys. Create a new API Key with the 'Server-Side' type.
   */
  apiKey: string
  /**
   * The location where your Iterable data is hosted.
   */
  dataCenterLocation?: 'united_states' | 'europe'
  /**
   * How your Iterable project identifies users (Iterable: Project Settings > Project type). Email-based: email is unique; an email changes through users/updateEmail. Hybrid: email and userId are both unique. UserID-based: userId identifies users and is required. In hybrid and userID-based projects an email changes through users/update with the userId. Not set: email or userId identify users, a single event changes an email through users/updateEmail and a batched one through dataFields.email, as before this setting existed. Email-based projects are not offered in the EU data center.
   */
  iterableProjectType?: 'email' | 'hybrid' | 'userId'
  /**
   * Send every page and screen call to Iterable, whether or not it has a name or a category.
   */
  trackAllPages?: boolean
  /**
   * Send page and screen calls that have a category to Iterable.
   */
  trackCategorizedPages?: boolean
  /**
   * Send page and screen calls that have a name to Iterable.
   */
  trackNamedPages?: boolean
  /**
   * Send every page call as the event "Loaded a Page" and every screen call as "Loaded a Screen", instead of "<name> page" / "<name> screen".
   */
  mapToSingleEvent?: boolean
}
