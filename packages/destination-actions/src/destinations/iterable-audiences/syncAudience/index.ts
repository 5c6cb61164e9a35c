import type { ActionDefinition } from '@segment/actions-core'
import type { AudienceSettings, Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { fields } from './fields'
import { sendBatch, sendSingle } from './functions'

const action: ActionDefinition<Settings, Payload, AudienceSettings> = {
  title: 'Sync To Iterable Lists',
  description:
    'Sync Segment Audience to Iterable Lists: users entering the audience are added to its list, users leaving it are removed.',
  defaultSubscription: 'type = "identify" or type = "track"',
  syncMode: {
    label: 'How to sync rows',
    description:
      'For the rows of a Reverse ETL model. Mirror: new and updated rows subscribe their users to the list, deleted rows unsubscribe them. Add: new rows subscribe. Delete: deleted rows unsubscribe. Engage audiences need none: each event says whether its user entered or left.',
    default: 'mirror',
    choices: [
      { label: 'Mirror the model in the list', value: 'mirror' },
      { label: 'Add users to the list', value: 'add' },
      { label: 'Remove users from the list', value: 'delete' }
    ]
  },
  fields,
  perform: (request, { payload, settings, audienceSettings, audienceMembership }) => {
    const membership = typeof audienceMembership === 'boolean' ? audienceMembership : undefined
    return sendSingle(request, payload, settings, membership, audienceSettings)
  },
  performBatch: (request, { payload, settings, audienceSettings, audienceMembership }) => {
    const memberships = Array.isArray(audienceMembership) ? audienceMembership : []
    return sendBatch(request, payload, settings, memberships, audienceSettings)
  }
}

export default action
