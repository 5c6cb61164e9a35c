import type { InputField } from '@segment/actions-core'
import { MAX_EMAIL_LENGTH, MAX_USER_ID_LENGTH } from '../../iterable/limits'

// Field keys and defaults are those of upstream's Iterable Lists (Actions): live mappings depend on them.
export const fields: Record<string, InputField> = {
  email: {
    label: 'Email',
    description:
      'Email address of the user (at most 254 characters). Identifies the user in email-based and hybrid projects, where a User ID alone also does.',
    type: 'string',
    maximum: MAX_EMAIL_LENGTH,
    unsafe_hidden: false,
    required: false,
    default: {
      '@if': {
        exists: { '@path': '$.traits.email' },
        then: { '@path': '$.traits.email' },
        else: { '@path': '$.properties.email' }
      }
    }
  },
  userId: {
    label: 'User ID',
    description:
      'User ID of the user (at most 52 characters). Required in userID-based projects; identifies the user in hybrid projects, and in email-based projects when no email is given.',
    type: 'string',
    maximum: MAX_USER_ID_LENGTH,
    unsafe_hidden: false,
    required: false,
    default: {
      '@path': '$.userId'
    }
  },
  dataFields: {
    label: 'Additional traits or identifiers',
    description:
      'Additional traits or identifiers to sync to Iterable with a user added to the list. You will need to ensure these traits or objects are included via Event Settings > Customized Setup.',
    required: false,
    type: 'object'
  },
  traitsOrProperties: {
    label: 'Traits or Properties',
    description:
      'Traits or Properties object from the identify() or track() call emitted by Engage. The value under the audience key says whether the user entered (true) or left (false) the audience.',
    type: 'object',
    required: true,
    default: {
      '@if': {
        exists: { '@path': '$.traits' },
        then: { '@path': '$.traits' },
        else: { '@path': '$.properties' }
      }
    }
  },
  segmentAudienceKey: {
    label: 'Segment Audience Key',
    description:
      'Segment Audience Key. Maps to the Iterable List "Name" when the list is created in Iterable; an Engage event says under it whether the user entered or left the audience. Rows of a Reverse ETL model need none: the sync mode and the row say it.',
    type: 'string',
    default: {
      '@path': '$.context.personas.computation_key'
    }
  },
  segmentAudienceId: {
    label: 'Segment External Audience ID',
    description:
      'Segment External Audience ID. Maps to the List ID when the list is created in Iterable. For the rows of a Reverse ETL model, set it to the id of the static list they sync to.',
    type: 'string',
    required: true,
    default: {
      '@path': '$.context.personas.external_audience_id'
    }
  }
}
