import { badParams, success } from '../answers'
import type { Answer } from '../answers'
import {
  byteLength,
  dataFieldsOf,
  mismatchAnswer,
  normalisedFields,
  numberOrUndefined,
  refuseMalformed,
  stringOrUndefined
} from '../context'
import type { Context } from '../context'
import { fromUnixTimestamp } from '../dates'
import { failureAnswer } from '../failures'
import { PURCHASE_SCOPE, TypeCheck } from '../field-types'
import { isFailure } from '../identity'
import { applyUser, planUser } from '../profiles'
import type { UserPlan, UserRecord } from '../profiles'
import { generateId, withoutNulls } from '../store'
import { MAX_EVENT_ID_BYTES } from '../validation'

// Commerce: updateCart and trackPurchase. Both update the user as users/update does.

interface CommerceBody {
  user: UserRecord & { createNewFields?: boolean | null }
  items: Record<string, unknown>[]
  createNewFields?: boolean | null
}

function planCommerceUser(ctx: Context, body: CommerceBody, check: TypeCheck): UserPlan | Answer {
  const plan = planUser(ctx, body.user, check, {
    createNewFields: body.createNewFields ?? body.user.createNewFields ?? ctx.project.createNewFields
  })
  return isFailure(plan) ? failureAnswer(plan, { prefix: 'obj.user.', forgottenStatus: 400, canCreate: true }) : plan
}

const isAnswer = (value: UserPlan | Answer): value is Answer => 'status' in value

export function trackPurchase(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'trackPurchase', body)
  if (malformed) return malformed
  const purchase = body as CommerceBody & {
    id?: string | null
    total: number
    createdAt?: number | null
    dataFields?: unknown
    campaignId?: number | null
    templateId?: number | null
  }
  if (typeof purchase.id === 'string' && byteLength(purchase.id) > MAX_EVENT_ID_BYTES)
    return badParams(`Invalid purchase: obj.id must be at most ${MAX_EVENT_ID_BYTES} bytes`)
  const check = new TypeCheck(ctx.store.types)
  const plan = planCommerceUser(ctx, purchase, check)
  if (isAnswer(plan)) return plan
  const createNewFields = purchase.createNewFields ?? ctx.project.createNewFields
  const fields = check.check(PURCHASE_SCOPE, dataFieldsOf(purchase.dataFields), createNewFields)
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()

  const user = applyUser(ctx, plan)
  // A purchase empties the cart.
  user.dataFields.shoppingCartItems = []
  const id = stringOrUndefined(purchase.id) || generateId()
  const createdAt = numberOrUndefined(purchase.createdAt)
  ctx.store.putEvent({
    id,
    userKey: user.key,
    eventType: 'purchase',
    createdAt: createdAt !== undefined ? fromUnixTimestamp(createdAt) : new Date(),
    dataFields: normalisedFields(ctx.store, PURCHASE_SCOPE, fields),
    total: purchase.total,
    shoppingCartItems: withoutNulls(purchase.items) as unknown[],
    ...(typeof purchase.campaignId === 'number' && { campaignId: purchase.campaignId }),
    ...(typeof purchase.templateId === 'number' && { templateId: purchase.templateId })
  })
  return success({ id })
}

export function updateCart(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'updateCart', body)
  if (malformed) return malformed
  const cart = body as CommerceBody
  const check = new TypeCheck(ctx.store.types)
  const plan = planCommerceUser(ctx, cart, check)
  if (isAnswer(plan)) return plan
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  const user = applyUser(ctx, plan)
  // The items sent are the whole cart: they replace what was there.
  user.dataFields.shoppingCartItems = withoutNulls(cart.items)
  return success()
}
