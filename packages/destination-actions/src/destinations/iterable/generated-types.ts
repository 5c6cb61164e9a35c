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
