// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * Email address of the user (at most 254 characters). Identifies the user in email-based and hybrid projects, where a User ID alone also does.
   */
  email?: string
  /**
   * User ID of the user (at most 52 characters). Required in userID-based projects; identifies the user in hybrid projects, and in email-based projects when no email is given.
   */
  userId?: string
  /**
   * Additional traits or identifiers to sync to Iterable with a user added to the list. You will need to ensure these traits or objects are included via Event Settings > Customized Setup.
   */
  dataFields?: {
    [k: string]: unknown
  }
  /**
   * Traits or Properties object from the identify() or track() call emitted by Engage. The value under the audience key says whether the user entered (true) or left (false) the audience.
   */
  traitsOrProperties: {
    [k: string]: unknown
  }
  /**
   * Segment Audience Key. Maps to the Iterable List "Name" when the list is created in Iterable; an Engage event says under it whether the user entered or left the audience. Rows of a Reverse ETL model need none: the sync mode and the row say it.
   */
  segmentAudienceKey?: string
  /**
   * Segment External Audience ID. Maps to the List ID when the list is created in Iterable. For the rows of a Reverse ETL model, set it to the id of the static list they sync to.
   */
  segmentAudienceId: string
}
