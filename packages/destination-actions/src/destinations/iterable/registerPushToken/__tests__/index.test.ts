import nock from 'nock'
import { createTestEvent, IntegrationError, RetryableError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import destination from '../../index'
import { presets } from '../../presets'
import {
  acceptPost,
  actionUnderTest,
  deepFreeze,
  expectNothingSent,
  failure,
  itSendsTheRequest,
  SECRET_API_KEY,
  TIMESTAMP,
  US,
  deepCopy,
  present
} from '../../__tests__/__helpers__/support'

const PATH = '/api/users/registerDeviceToken'
const { run, bodySent } = actionUnderTest('registerPushToken', PATH)

const APNS_TOKEN = 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449'
const FCM_TOKEN = 'dGhpcyBpcyBhbiBGQ00gdG9rZW4:APA91bH-example_registration_token_0123456789'

const IOS_CONTEXT = {
  app: { name: 'Engine Shop', version: '3.2.1', build: '321', namespace: 'com.example.engineshop' },
  device: {
    id: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
    manufacturer: 'Apple',
    model: 'iPhone15,2',
    type: 'ios',
    token: APNS_TOKEN
  },
  os: { name: 'iOS', version: '17.4' },
  library: { name: 'analytics-swift', version: '1.5.11' },
  locale: 'en-GB',
  timezone: 'Europe/London',
  traits: { email: 'jane.doe@example.com' }
}

const ANDROID_CONTEXT = {
  app: { name: 'Engine Shop', version: '3.2.1', build: '3210', namespace: 'com.example.engineshop.android' },
  device: { id: '9f4e7c1a2b3d4e5f', manufacturer: 'Google', model: 'Pixel 8', type: 'android', token: FCM_TOKEN },
  os: { name: 'Android', version: '14' },
  library: { name: 'analytics-kotlin', version: '1.16.3' }
}

/** "Application Opened" as Segment's mobile SDKs send it once the app has a push token. */
function appOpened(overrides: Partial<SegmentEvent> = {}, context: Record<string, unknown> = IOS_CONTEXT) {
  return createTestEvent({
    type: 'track',
    event: 'Application Opened',
    messageId: 'ios-open-0001',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    properties: { from_background: false, version: '3.2.1', build: '321' },
    context: deepCopy(context),
    ...overrides
  })
}

/** The context with `changes` merged into one of its objects (`device`, `os`, `app`). */
const withContext = (part: 'device' | 'os' | 'app', changes: Record<string, unknown>, base = IOS_CONTEXT) => ({
  ...base,
  [part]: { ...(base[part] as Record<string, unknown>), ...changes }
})

const IOS_DEVICE_DATA = {
  deviceId: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
  manufacturer: 'Apple',
  model: 'iPhone15,2',
  systemName: 'iOS',
  systemVersion: '17.4',
  appPackageName: 'com.example.engineshop',
  appVersion: '3.2.1',
  appBuild: '321'
}

/** What users/registerDeviceToken receives for `appOpened()` with the default mappings. */
const IOS_BODY = {
  email: 'jane.doe@example.com',
  userId: 'user-8812',
  device: {
    token: APNS_TOKEN,
    platform: 'APNS',
    applicationName: 'com.example.engineshop',
    dataFields: IOS_DEVICE_DATA
  }
}

const matches = (subscription: string, event: SegmentEvent) => validate(parseFql(subscription), event)

describe('Iterable registerPushToken', () => {
  describe('definition', () => {
    const action = destination.actions.registerPushToken

    it('subscribes to Application Installed and Application Opened when the event has a device token', () => {
      expect(action.defaultSubscription).toBe(
        'type = "track" and (event = "Application Installed" or event = "Application Opened") and context.device.token exists'
      )
      const subscription = present(action.defaultSubscription, 'defaultSubscription')
      expect(matches(subscription, appOpened())).toBe(true)
      expect(matches(subscription, appOpened({ event: 'Application Installed' }))).toBe(true)
      expect(matches(subscription, appOpened({}, ANDROID_CONTEXT))).toBe(true)
      expect(matches(subscription, appOpened({}, withContext('device', { token: undefined })))).toBe(false)
      expect(matches(subscription, appOpened({ event: 'Application Backgrounded' }))).toBe(false)
      expect(matches(subscription, appOpened({ type: 'screen', event: undefined, name: 'Home' }))).toBe(false)
    })

    it('has an automatic preset with that subscription and the default mappings', () => {
      const preset = presets.find((candidate) => candidate.partnerAction === 'registerPushToken')
      expect(preset).toMatchObject({
        name: 'Register Push Token',
        type: 'automatic',
        subscribe: action.defaultSubscription
      })
      expect(Object.keys(present(preset, 'the preset').mapping ?? {}).sort()).toEqual(
        ['apnsSandbox', 'applicationName', 'dataFields', 'email', 'platform', 'token', 'userId'].sort()
      )
    })

    it('reads the token, platform and app name from context by default, all three required', () => {
      expect(action.fields.token).toMatchObject({ required: true, default: { '@path': '$.context.device.token' } })
      expect(action.fields.platform).toMatchObject({ required: true, default: { '@path': '$.context.os.name' } })
      expect(action.fields.applicationName).toMatchObject({
        required: true,
        default: { '@path': '$.context.app.namespace' }
      })
      expect(action.fields.applicationName.description).toMatch(/type the name here when yours differs/)
    })
  })

  describe('request with default mappings', () => {
    itSendsTheRequest('POSTs the iOS device to /api/users/registerDeviceToken with the Api-Key header', {
      run,
      path: PATH,
      event: () => appOpened(),
      body: IOS_BODY
    })

    it('registers an Android device on GCM', async () => {
      const body = await bodySent(appOpened({ messageId: 'android-open-1' }, ANDROID_CONTEXT))

      expect(body).toEqual({
        userId: 'user-8812',
        device: {
          token: FCM_TOKEN,
          platform: 'GCM',
          applicationName: 'com.example.engineshop.android',
          dataFields: {
            deviceId: '9f4e7c1a2b3d4e5f',
            manufacturer: 'Google',
            model: 'Pixel 8',
            systemName: 'Android',
            systemVersion: '14',
            appPackageName: 'com.example.engineshop.android',
            appVersion: '3.2.1',
            appBuild: '3210'
          }
        }
      })
    })

    it.each([
      ['iPadOS', 'APNS'],
      ['ios', 'APNS'],
      ['ANDROID', 'GCM'],
      ['APNS_SANDBOX', 'APNS_SANDBOX'],
      ['GCM', 'GCM']
    ])('registers os name "%s" on %s', async (osName: string, platform: string) => {
      const body = (await bodySent(appOpened({}, withContext('os', { name: osName })))) as typeof IOS_BODY

      expect(body.device.platform).toBe(platform)
    })

    it('registers iOS tokens on APNS_SANDBOX with Use APNs Sandbox', async () => {
      const body = await bodySent(appOpened(), { mapping: { apnsSandbox: true } })

      expect(body).toEqual({ ...IOS_BODY, device: { ...IOS_BODY.device, platform: 'APNS_SANDBOX' } })
    })

    it('leaves Android tokens on GCM with Use APNs Sandbox', async () => {
      const body = await bodySent(appOpened({}, ANDROID_CONTEXT), { mapping: { apnsSandbox: true } })

      expect(body.device.platform).toBe('GCM')
    })

    it('sends the Iterable mobile app name typed in the mapping instead of the namespace', async () => {
      const body = await bodySent(appOpened(), { mapping: { applicationName: 'engine-shop-ios-prod' } })

      expect(body).toEqual({ ...IOS_BODY, device: { ...IOS_BODY.device, applicationName: 'engine-shop-ios-prod' } })
    })

    it('sends preferUserId when mapped, for userId-only events in email-based projects', async () => {
      const context = { ...IOS_CONTEXT, traits: {} }
      const body = await bodySent(appOpened({}, context), { mapping: { preferUserId: true } })

      expect(body).toEqual({ userId: 'user-8812', preferUserId: true, device: IOS_BODY.device })
    })

    it('identifies the user by email alone when the event has no userId', async () => {
      const body = await bodySent(appOpened({ userId: undefined, anonymousId: 'anon-1' }))

      expect(body).toEqual({ email: 'jane.doe@example.com', device: IOS_BODY.device })
    })

    it('puts in dataFields only the device details the event has, and leaves dataFields out when it has none', async () => {
      const sparse = {
        app: { namespace: 'com.example.engineshop' },
        device: { token: APNS_TOKEN, model: 'iPhone15,2' },
        os: { name: 'iOS' }
      }
      expect(await bodySent(appOpened({}, sparse))).toEqual({
        userId: 'user-8812',
        device: {
          token: APNS_TOKEN,
          platform: 'APNS',
          applicationName: 'com.example.engineshop',
          dataFields: { model: 'iPhone15,2', systemName: 'iOS', appPackageName: 'com.example.engineshop' }
        }
      })

      const body = await bodySent(appOpened({}, sparse), { mapping: { dataFields: {} } })
      expect(body).toEqual({
        userId: 'user-8812',
        device: { token: APNS_TOKEN, platform: 'APNS', applicationName: 'com.example.engineshop' }
      })
    })

    it('does not change the event it is given', async () => {
      const event = deepFreeze(appOpened())

      await expect(bodySent(event)).resolves.toEqual(IOS_BODY)
    })
  })

  describe('validation: nothing is sent', () => {
    it.each([
      ['without a device token', withContext('device', { token: undefined }), "missing the required field 'token'"],
      ['with an empty device token', withContext('device', { token: '' }), "missing the required field 'token'"],
      ['without an OS name', withContext('os', { name: undefined }), "missing the required field 'platform'"],
      [
        'without an app namespace',
        withContext('app', { namespace: undefined }),
        "missing the required field 'applicationName'"
      ]
    ])(
      'rejects an event %s, naming the field',
      async (_name: string, context: Record<string, unknown>, message: string) => {
        const scope = acceptPost(PATH)

        await expect(run(appOpened({}, context))).rejects.toThrow(message)

        expectNothingSent(scope)
      }
    )

    it.each(['Windows', 'webOS', 'tvOS'])(
      'rejects the unknown platform "%s" with a PayloadValidationError naming Platform',
      async (osName: string) => {
        const scope = acceptPost(PATH)

        const error = await failure(run(appOpened({}, withContext('os', { name: osName }))))

        expect(error.name).toBe('PayloadValidationError')
        expect(error.message).toBe(
          `Iterable cannot register a push token for the platform "${osName}": the Platform field (by default context.os.name) must be iOS, iPadOS or Android, or one of Iterable's platforms APNS, APNS_SANDBOX, GCM. Map Platform to the device's OS name.`
        )
        expectNothingSent(scope)
      }
    )

    it('rejects an event with neither email nor userId, naming both', async () => {
      const scope = acceptPost(PATH)

      await expect(
        run(appOpened({ userId: undefined, anonymousId: 'anon-1' }, { ...IOS_CONTEXT, traits: {} }))
      ).rejects.toThrow(/email.*userId/)

      expectNothingSent(scope)
    })
  })

  describe('Iterable Project Type', () => {
    const userIdOnly = () => appOpened({}, { ...IOS_CONTEXT, traits: {} })

    it('sends preferUserId: true for a userId alone in an email-based project, so that Iterable creates the user', async () => {
      const body = await bodySent(userIdOnly(), { settings: { apiKey: 'k', iterableProjectType: 'email' } })

      expect(body).toEqual({ userId: 'user-8812', preferUserId: true, device: IOS_BODY.device })
    })

    it('keeps the mapped preferUserId over the project rule', async () => {
      const body = await bodySent(userIdOnly(), {
        settings: { apiKey: 'k', iterableProjectType: 'email' },
        mapping: { preferUserId: false }
      })

      expect(body).toEqual({ userId: 'user-8812', preferUserId: false, device: IOS_BODY.device })
    })

    it('refuses an event without a userId in a userID-based project, naming the setting, and sends nothing', async () => {
      const scope = acceptPost(PATH)

      const error = await failure(
        run(appOpened({ userId: undefined, anonymousId: 'anon-1' }), {
          settings: { apiKey: 'k', iterableProjectType: 'userId' }
        })
      )

      expect(error.name).toBe('PayloadValidationError')
      expect(error.message).toMatch(/^userId is required: the "Iterable Project Type" setting is UserID-based/)
      expectNothingSent(scope)
    })
  })

  describe("Iterable's answers", () => {
    it('reports a refusal (a user over 500 devices) as a non-retryable IntegrationError with the reason', async () => {
      nock(US).post(PATH).reply(400, { msg: 'Device limit exceeded for user', code: 'BadParams', params: null })

      const error = await failure(run(appOpened()))

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).not.toBeInstanceOf(RetryableError)
      expect(error.message).toContain('400 BadParams: Device limit exceeded for user')
    })

    it("fails with Iterable's 429, which Segment retries, without the API key", async () => {
      nock(US)
        .post(PATH)
        .reply(429, { msg: `Rate limit exceeded for ${SECRET_API_KEY}`, code: 'RateLimitExceeded' })

      const error = await failure(run(appOpened(), { settings: { apiKey: SECRET_API_KEY } }))

      expect(error).toMatchObject({ status: 429, code: 'RateLimitExceeded' })
      expect(error.message).not.toContain(SECRET_API_KEY)
    })
  })
})
