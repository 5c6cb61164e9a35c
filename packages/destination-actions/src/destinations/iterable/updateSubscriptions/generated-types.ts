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
   * The ids of the Iterable lists the user is subscribed to. Whole numbers only. Iterable replaces the whole list with this one (an empty list clears it); left unmapped or absent from the event, the list is not sent and Iterable keeps it as it is.
   */
  emailListIds?: number[]
  /**
   * The ids of the Iterable channels the user is unsubscribed from. Whole numbers only. Iterable replaces the whole list with this one (an empty list clears it); left unmapped or absent from the event, the list is not sent and Iterable keeps it as it is.
   */
  unsubscribedChannelIds?: number[]
  /**
   * The ids of the Iterable message types the user is unsubscribed from (channel subscriptions are not affected). Whole numbers only. Iterable replaces the whole list with this one (an empty list clears it); left unmapped or absent from the event, the list is not sent and Iterable keeps it as it is.
   */
  unsubscribedMessageTypeIds?: number[]
  /**
   * The ids of the opt-in Iterable message types the user is subscribed to (channel subscriptions are not affected). Iterable accepts it only once your Iterable CSM has enabled opt-in message types. Whole numbers only. Iterable replaces the whole list with this one (an empty list clears it); left unmapped or absent from the event, the list is not sent and Iterable keeps it as it is.
   */
  subscribedMessageTypeIds?: number[]
  /**
   * The Iterable campaign to attribute the unsubscribes to.
   */
  campaignId?: number
  /**
   * The Iterable template to attribute the unsubscribes to.
   */
  templateId?: number
  /**
   * Iterable checks that subscribed message types belong to channels the user is subscribed to (when not set, or on). Turn off to keep message type preferences for channels the user is unsubscribed from: they take effect once the user subscribes to the channel again.
   */
  validateChannelAlignment?: boolean
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
