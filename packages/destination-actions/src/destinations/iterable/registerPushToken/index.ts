import { PayloadValidationError } from '@segment/actions-core'
import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { EMAIL_FIELD, PREFER_USER_ID_FIELD, USER_ID_FIELD } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { explainUnknownUserId, preferUserIdFor, requireIdentifiers } from '../identity'
import { callIterable } from '../iterable-api'

// Iterable's push platforms: APNs (Apple, production or sandbox) and GCM, its name for Firebase Cloud Messaging.
const PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM']

/**
 * The Iterable platform of a device: an OS name as Segment's SDKs send it in context.os.name, compared lower-cased
 * (React Native and Flutter apps spell it so), is translated; one of Iterable's platform names is taken as it is.
 */
function platformOf(platform: string, apnsSandbox: boolean | undefined): string {
  const name = platform.trim()
  if (PLATFORMS.includes(name)) return name
  if (['ios', 'ipados'].includes(name.toLowerCase())) return apnsSandbox ? 'APNS_SANDBOX' : 'APNS'
  if (name.toLowerCase() === 'android') return 'GCM'
  const expected = `iOS, iPadOS or Android, or one of Iterable's platforms ${PLATFORMS.join(', ')}`
  throw new PayloadValidationError(
    `Iterable cannot register a push token for the platform "${name.slice(
      0,
      60
    )}": the Platform field (by default context.os.name) must be ${expected}. Map Platform to the device's OS name.`
  )
}

function deviceTokenBody(payload: Payload, settings: Settings) {
  requireIdentifiers(payload, settings)
  return {
    email: payload.email,
    userId: payload.userId,
    preferUserId: preferUserIdFor(payload, settings),
    device: {
      token: payload.token,
      platform: platformOf(payload.platform, payload.apnsSandbox),
      applicationName: payload.applicationName,
      dataFields: payload.dataFields && Object.keys(payload.dataFields).length > 0 ? payload.dataFields : undefined
    }
  }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Register Push Token',
  description:
    "Registers a mobile device's push token on the Iterable user, so that Iterable can send it push notifications. By default it takes the token Segment's mobile SDKs send in context.device.token with Application Installed and Application Opened events.",
  defaultSubscription: SUBSCRIPTIONS.pushToken,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    token: {
      label: 'Push Token',
      description:
        "The device's push token: the APNs device token on iOS, the Firebase Cloud Messaging registration token on Android. Segment's mobile SDKs send it in context.device.token once the app registers for push.",
      type: 'string',
      required: true,
      default: { '@path': '$.context.device.token' }
    },
    platform: {
      label: 'Platform',
      description:
        "The device's operating system, as Segment's mobile SDKs send it in context.os.name: iOS and iPadOS are registered on Iterable's APNS platform (APNS_SANDBOX with Use APNs Sandbox), Android on GCM (Iterable's name for Firebase Cloud Messaging). Iterable's own platform names APNS, APNS_SANDBOX and GCM are sent as they are. Other values are rejected.",
      type: 'string',
      required: true,
      default: { '@path': '$.context.os.name' }
    },
    apnsSandbox: {
      label: 'Use APNs Sandbox',
      description:
        "Register iOS tokens on Iterable's APNS_SANDBOX platform: for development builds, whose tokens belong to Apple's sandbox push environment. Leave off for App Store and TestFlight builds.",
      type: 'boolean',
      default: false
    },
    applicationName: {
      label: 'Iterable Mobile App Name',
      description:
        "The name of the app's push integration in Iterable (Settings > Mobile Apps > your app > Push, the Name column). It is usually the app's bundle ID or package name, which Segment's SDKs send in context.app.namespace; type the name here when yours differs.",
      type: 'string',
      required: true,
      default: { '@path': '$.context.app.namespace' }
    },
    preferUserId: PREFER_USER_ID_FIELD,
    dataFields: {
      label: 'Device Data Fields',
      description:
        "Data stored on the device in Iterable. The defaults read Segment's context.device, context.app and context.os into the keys Iterable's own mobile SDKs use, so devices registered through Segment look like those registered by the SDK.",
      type: 'object',
      defaultObjectUI: 'keyvalue',
      default: {
        deviceId: { '@path': '$.context.device.id' },
        manufacturer: { '@path': '$.context.device.manufacturer' },
        model: { '@path': '$.context.device.model' },
        systemName: { '@path': '$.context.os.name' },
        systemVersion: { '@path': '$.context.os.version' },
        appPackageName: { '@path': '$.context.app.namespace' },
        appVersion: { '@path': '$.context.app.version' },
        appBuild: { '@path': '$.context.app.build' }
      }
    }
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, '/api/users/registerDeviceToken', {
      json: deviceTokenBody(payload, settings),
      explain: explainUnknownUserId(payload, settings)
    })
}

export default action
