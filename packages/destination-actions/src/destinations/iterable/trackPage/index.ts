import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { pathOr, EMAIL_FIELD, USER_ID_FIELD, EVENT_DATA_FIELDS, EVENT_FIELDS, BATCH_FIELDS } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { eventBody } from '../bodies'
import { assertPageIsTracked, pageEventName } from '../page-naming'
import type { PageKind } from '../page-naming'
import { explainUnknownUserId } from '../identity'
import { callIterable } from '../iterable-api'
import { sendBulk } from '../bulk'

/** The page or screen as an event, named and filtered by the page settings. */
function pageBody(payload: Payload, settings: Settings) {
  const page = { kind: (payload.eventType ?? 'page') as PageKind, name: payload.name, category: payload.category }
  assertPageIsTracked(page, settings)
  return eventBody(payload, pageEventName(page, settings), settings)
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Track Page or Screen',
  description:
    'Track page and screen views as Iterable custom events, named and filtered by the destination\'s page settings ("Track All Pages", "Track Categorized Pages", "Track Named Pages", "Map All Pages to Single Event Name").',
  defaultSubscription: SUBSCRIPTIONS.pageOrScreen,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    eventType: {
      label: 'Call Type',
      description: 'Whether this is a page (web) or a screen (mobile) call: the event name ends in "page" or "screen".',
      type: 'string',
      choices: [
        { label: 'Page', value: 'page' },
        { label: 'Screen', value: 'screen' }
      ],
      default: { '@path': '$.type' }
    },
    name: {
      label: 'Page Name',
      description: 'The name of the page or screen. A page named "shoppingCart" becomes the event "shoppingCart page".',
      type: 'string',
      default: pathOr('$.name', '$.properties.name')
    },
    category: {
      label: 'Page Category',
      description: 'The category of the page or screen; names the event when the page has no name.',
      type: 'string',
      default: pathOr('$.category', '$.properties.category')
    },
    dataFields: {
      ...EVENT_DATA_FIELDS,
      label: 'Page Properties',
      description:
        "Properties of the page or screen, sent as the event's dataFields. ISO-8601 date-times in it are sent in Iterable's date format."
    },
    ...EVENT_FIELDS,
    ...BATCH_FIELDS
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, '/api/events/track', {
      json: pageBody(payload, settings),
      explain: explainUnknownUserId(payload, settings)
    }),
  performBatch: (request, { payload, settings }) =>
    sendBulk(request, settings, payload, {
      endpoint: '/api/events/trackBulk',
      listKey: 'events',
      toRecord: (page) => pageBody(page, settings)
    })
}

export default action
