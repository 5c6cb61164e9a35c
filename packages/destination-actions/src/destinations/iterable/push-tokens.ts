import { PayloadValidationError } from '@segment/actions-core'
import type { Payload as DeviceTokenPayload } from './registerPushToken/generated-types'
import type { Payload as BrowserTokenPayload } from './registerBrowserToken/generated-types'
import type { Settings } from './generated-types'
import { preferUserIdFor, requireIdentifiers } from './identity'

// Push tokens: Segment's mapped payloads → the bodies of users/registerDeviceToken and users/registerBrowserToken.

/** Iterable's push platforms: APNs (Apple, production or sandbox) and GCM, its name for Firebase Cloud Messaging. */
export const PLATFORMS = { apns: 'APNS', apnsSandbox: 'APNS_SANDBOX', gcm: 'GCM' } as const
export type Platform = (typeof PLATFORMS)[keyof typeof PLATFORMS]

const ITERABLE_PLATFORMS: ReadonlySet<string> = new Set(Object.values(PLATFORMS))

// OS names as Segment's mobile SDKs send them in context.os.name ("iOS", "iPadOS", "Android"), compared lower-cased:
// React Native and Flutter apps spell them in lower case.
const APPLE_OS_NAMES = new Set(['ios', 'ipados'])
const ANDROID_OS_NAMES = new Set(['android'])

export interface RegisterDeviceTokenBody {
  email?: string
  userId?: string
  preferUserId?: boolean
  device: {
    token: string
    platform: Platform
    applicationName: string
    dataFields?: Record<string, unknown>
  }
}

export interface RegisterBrowserTokenBody {
  email?: string
  userId?: string
  browserToken: string
}

/**
 * The Iterable platform of a device: an OS name is translated (iOS and iPadOS → APNS, or APNS_SANDBOX for sandbox
 * builds; Android → GCM), one of Iterable's own platform names is taken as it is.
 */
export function platformOf(platform: string, apnsSandbox: boolean | undefined): Platform {
  const name = platform.trim()
  if (ITERABLE_PLATFORMS.has(name)) return name as Platform
  const os = name.toLowerCase()
  if (APPLE_OS_NAMES.has(os)) return apnsSandbox ? PLATFORMS.apnsSandbox : PLATFORMS.apns
  if (ANDROID_OS_NAMES.has(os)) return PLATFORMS.gcm
  throw new PayloadValidationError(
    `Iterable cannot register a push token for the platform "${name.slice(0, 60)}": the Platform field (by default context.os.name) must be iOS, iPadOS or Android, or one of Iterable's platforms ${[
      ...ITERABLE_PLATFORMS
    ].join(', ')}. Map Platform to the device's OS name.`
  )
}

const identifiers = (payload: { email?: string; userId?: string }, settings: Settings) => {
  requireIdentifiers(payload, settings)
  return {
    ...(payload.email !== undefined && { email: payload.email }),
    ...(payload.userId !== undefined && { userId: payload.userId })
  }
}

export function registerDeviceTokenBody(payload: DeviceTokenPayload, settings: Settings): RegisterDeviceTokenBody {
  const user = identifiers(payload, settings)
  const preferUserId = preferUserIdFor(payload, settings)
  const platform = platformOf(payload.platform, payload.apnsSandbox)
  const dataFields = payload.dataFields && Object.keys(payload.dataFields).length > 0 ? payload.dataFields : undefined
  return {
    ...user,
    ...(preferUserId !== undefined && { preferUserId }),
    device: {
      token: payload.token,
      platform,
      applicationName: payload.applicationName,
      ...(dataFields && { dataFields })
    }
  }
}

export function registerBrowserTokenBody(payload: BrowserTokenPayload, settings: Settings): RegisterBrowserTokenBody {
  const user = identifiers(payload, settings)
  return { ...user, browserToken: payload.browserToken }
}
