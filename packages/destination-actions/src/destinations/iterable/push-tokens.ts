import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { definedKeys } from './bodies'
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

/** A device token as the Register Push Token mapping gives it. */
export interface DeviceTokenInput {
  email?: string
  userId?: string
  preferUserId?: boolean
  token: string
  platform: string
  apnsSandbox?: boolean
  applicationName: string
  dataFields?: Record<string, unknown>
}

export function registerDeviceTokenBody(payload: DeviceTokenInput, settings: Settings): RegisterDeviceTokenBody {
  requireIdentifiers(payload, settings)
  const dataFields = payload.dataFields && Object.keys(payload.dataFields).length > 0 ? payload.dataFields : undefined
  return definedKeys({
    email: payload.email,
    userId: payload.userId,
    preferUserId: preferUserIdFor(payload, settings),
    device: definedKeys({
      token: payload.token,
      platform: platformOf(payload.platform, payload.apnsSandbox),
      applicationName: payload.applicationName,
      dataFields
    })
  })
}

export function registerBrowserTokenBody(
  payload: { email?: string; userId?: string; browserToken: string },
  settings: Settings
): RegisterBrowserTokenBody {
  requireIdentifiers(payload, settings)
  return definedKeys({ email: payload.email, userId: payload.userId, browserToken: payload.browserToken })
}
