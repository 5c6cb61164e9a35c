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
   * The device's push token: the APNs device token on iOS, the Firebase Cloud Messaging registration token on Android. Segment's mobile SDKs send it in context.device.token once the app registers for push.
   */
  token: string
  /**
   * The device's operating system, as Segment's mobile SDKs send it in context.os.name: iOS and iPadOS are registered on Iterable's APNS platform (APNS_SANDBOX with Use APNs Sandbox), Android on GCM (Iterable's name for Firebase Cloud Messaging). Iterable's own platform names APNS, APNS_SANDBOX and GCM are sent as they are. Other values are rejected.
   */
  platform: string
  /**
   * Register iOS tokens on Iterable's APNS_SANDBOX platform: for development builds, whose tokens belong to Apple's sandbox push environment. Leave off for App Store and TestFlight builds.
   */
  apnsSandbox?: boolean
  /**
   * The name of the app's push integration in Iterable (Settings > Mobile Apps > your app > Push, the Name column). It is usually the app's bundle ID or package name, which Segment's SDKs send in context.app.namespace; type the name here when yours differs.
   */
  applicationName: string
  /**
   * Only respected in email-based projects: create a new user when the request has a userId that doesn't yet exist in the Iterable project (and no email). When unmapped, it is sent as true for such requests when the Iterable Project Type setting is email-based.
   */
  preferUserId?: boolean
  /**
   * Data stored on the device in Iterable. The defaults read Segment's context.device, context.app and context.os into the keys Iterable's own mobile SDKs use, so devices registered through Segment look like those registered by the SDK.
   */
  dataFields?: {
    [k: string]: unknown
  }
}
