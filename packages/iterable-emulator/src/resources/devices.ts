import { badParams, failure, success } from '../answers'
import type { Answer } from '../answers'
import { dataFieldsOf, mismatchAnswer, refuseMalformed } from '../context'
import type { Context } from '../context'
import { failureAnswer } from '../failures'
import { TypeCheck, USER_SCOPE } from '../field-types'
import { isFailure } from '../identity'
import { applyUser, planUser } from '../profiles'
import { withoutNulls } from '../store'
import type { DataFields, StoredDevice } from '../store'

// Push: registerDeviceToken (mobile devices, on the profile's `devices`) and registerBrowserToken (web push, on its
// `browserTokens`). Both identify and create users as users/update does.

/** "Maximum of 500 devices per user profile", and as many browser tokens. */
export const MAX_TOKENS_PER_USER = 500

interface DeviceBody {
  email?: string | null
  userId?: string | null
  preferUserId?: boolean | null
  device: { token: string; platform: string; applicationName: string; dataFields?: DataFields | null }
}

const tooMany = (what: string) =>
  badParams(`A user profile can hold at most ${MAX_TOKENS_PER_USER} ${what}; this one is full.`)

export function registerDeviceToken(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'registerDeviceToken', body)
  if (malformed) return malformed
  const { device, ...identity } = body as DeviceBody
  // Iterable answers an empty token with a server error (recorded: "Unable to register token to user Some(...)").
  if (device.token === '') {
    const who = identity.email || identity.userId
    return failure(500, 'GenericError', `Unable to register token to user Some(${who ?? ''}): device.token is empty`)
  }
  const check = new TypeCheck(ctx.store.types)
  const plan = planUser(ctx, identity, check, { createNewFields: true })
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 400, canCreate: true })
  const stored: StoredDevice = {
    token: device.token,
    platform: device.platform,
    applicationName: device.applicationName,
    endpointEnabled: true,
    dataFields: withoutNulls(dataFieldsOf(device.dataFields)) as DataFields
  }
  // The device's fields are profile fields (`devices.appVersion`): their types are fixed like any other's.
  const { dataFields, ...keys } = stored
  check.check(USER_SCOPE, { devices: [{ ...dataFields, ...keys }] }, true)
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  const existing = 'user' in plan.target ? plan.target.user.devices : []
  const known = existing.find((candidate) => candidate.token === device.token)
  if (!known && existing.length >= MAX_TOKENS_PER_USER) return tooMany('devices')
  check.commit()

  const user = applyUser(ctx, plan)
  const current = user.devices.find((candidate) => candidate.token === device.token)
  // The same token again updates the device: its data is merged, missing fields are kept.
  if (current) Object.assign(current, { ...stored, dataFields: { ...current.dataFields, ...stored.dataFields } })
  else user.devices.push(stored)
  return success()
}

export function registerBrowserToken(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'registerBrowserToken', body)
  if (malformed) return malformed
  const { browserToken, ...identity } = body as { browserToken: string; email?: string | null; userId?: string | null }
  if (browserToken.trim() === '') return badParams('obj.browserToken must not be empty')
  const check = new TypeCheck(ctx.store.types)
  const plan = planUser(ctx, identity, check, { createNewFields: true })
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 400, canCreate: false })
  const existing = 'user' in plan.target ? plan.target.user.browserTokens : []
  if (!existing.includes(browserToken) && existing.length >= MAX_TOKENS_PER_USER) return tooMany('browser tokens')
  check.commit()
  const user = applyUser(ctx, plan)
  if (!user.browserTokens.includes(browserToken)) user.browserTokens.push(browserToken)
  return success()
}
