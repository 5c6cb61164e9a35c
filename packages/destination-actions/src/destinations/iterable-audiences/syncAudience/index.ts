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
  fields,
  perform: (request, { payload, settings, audienceSettings }) => {
    return sendSingle(request, payload, settings, audienceSettings)
  },
  performBatch: (request, { payload, settings, audienceSettings }) => {
    return sendBatch(request, payload, settings, audienceSettings)
  }
}

export default action
