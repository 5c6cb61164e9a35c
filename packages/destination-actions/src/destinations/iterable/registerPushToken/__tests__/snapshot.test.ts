import { createTestEvent } from '@segment/actions-core'
import { actionUnderTest, AS_DELIVERED, snapshotSuite, TIMESTAMP } from '../../__tests__/__helpers__/support'

const actionSlug = 'registerPushToken'
const { bodySent } = actionUnderTest(actionSlug, '/api/users/registerDeviceToken')

describe(snapshotSuite(actionSlug), () => {
  it('builds the users/registerDeviceToken body of a realistic "Application Installed" event from iOS', async () => {
    const event = createTestEvent({
      ...AS_DELIVERED,
      type: 'track',
      event: 'Application Installed',
      messageId: '5D4D4A5A-9B37-4C4F-9D0E-7C2B1F0A1E33',
      timestamp: TIMESTAMP,
      userId: 'user-8812',
      properties: { version: '3.2.1', build: '321' },
      context: {
        app: { name: 'Engine Shop', version: '3.2.1', build: '321', namespace: 'com.example.engineshop' },
        device: {
          id: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
          manufacturer: 'Apple',
          model: 'iPhone15,2',
          name: 'iPhone',
          type: 'ios',
          token: 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449',
          adTrackingEnabled: false
        },
        os: { name: 'iOS', version: '17.4' },
        library: { name: 'analytics-swift', version: '1.5.11' },
        network: { wifi: true, cellular: false, carrier: 'EE' },
        screen: { width: 393, height: 852 },
        locale: 'en-GB',
        timezone: 'Europe/London',
        traits: { email: 'jane.doe@example.com' }
      }
    })

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      email: 'jane.doe@example.com',
      userId: 'user-8812',
      device: {
        token: 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449',
        platform: 'APNS',
        applicationName: 'com.example.engineshop',
        dataFields: {
          deviceId: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
          manufacturer: 'Apple',
          model: 'iPhone15,2',
          systemName: 'iOS',
          systemVersion: '17.4',
          appPackageName: 'com.example.engineshop',
          appVersion: '3.2.1',
          appBuild: '321'
        }
      }
    })
  })
})
