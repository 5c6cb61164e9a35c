import { ok, success } from '../answers'
import type { Answer } from '../answers'
import { refuseMalformed } from '../context'
import type { Context } from '../context'
import { failureAnswer } from '../failures'
import { identify, isFailure, materialise } from '../identity'
import type { Failure, Target } from '../identity'
import type { StoredUser } from '../store'

// Subscription preferences: updateSubscriptions and bulkUpdateSubscriptions. Each list sent (not null) replaces the
// user's: `emailListIds` (the static lists the user is on), `unsubscribedChannelIds`, `unsubscribedMessageTypeIds`,
// `subscribedMessageTypeIds`.

interface SubscriptionsRecord {
  email?: string | null
  userId?: string | null
  emailListIds?: number[] | null
  unsubscribedChannelIds?: number[] | null
  unsubscribedMessageTypeIds?: number[] | null
  subscribedMessageTypeIds?: number[] | null
  campaignId?: number | null
  templateId?: number | null
  validateChannelAlignment?: boolean | null
}

/** Like users/update, these create the user an unknown email names (email-based), or an unknown userId (others). */
const findUser = (ctx: Context, record: SubscriptionsRecord): Target | Failure =>
  identify(ctx.store, ctx.project.type, record.email, record.userId, { preferUserId: false, updateOnly: false })

function apply(ctx: Context, user: StoredUser, record: SubscriptionsRecord): void {
  const subscriptions = ctx.store.subscriptionsOf(user)
  // Ids of lists the project does not have are left out, as a profile can only be on existing lists.
  if (record.emailListIds) user.listIds = [...new Set(record.emailListIds)].filter((id) => ctx.store.lists.has(id))
  if (record.unsubscribedChannelIds) subscriptions.unsubscribedChannelIds = [...new Set(record.unsubscribedChannelIds)]
  if (record.unsubscribedMessageTypeIds)
    subscriptions.unsubscribedMessageTypeIds = [...new Set(record.unsubscribedMessageTypeIds)]
  if (record.subscribedMessageTypeIds)
    subscriptions.subscribedMessageTypeIds = [...new Set(record.subscribedMessageTypeIds)]
  ctx.store.touch(user)
}

export function updateSubscriptions(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'updateSubscriptions', body)
  if (malformed) return malformed
  const record = body as SubscriptionsRecord
  const target = findUser(ctx, record)
  if (isFailure(target)) return failureAnswer(target, { prefix: 'obj.', forgottenStatus: 400, canCreate: false })
  apply(ctx, materialise(ctx.store, ctx.project.type, target), record)
  return success()
}

export function bulkUpdateSubscriptions(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'bulkUpdateSubscriptions', body)
  if (malformed) return malformed
  const { updateSubscriptionsRequests: records } = body as { updateSubscriptionsRequests: SubscriptionsRecord[] }
  const lists = {
    invalidEmails: new Set<string>(),
    invalidUserIds: new Set<string>(),
    validEmailFailures: new Set<string>(),
    validUserIdFailures: new Set<string>()
  }
  let successCount = 0
  for (const record of records) {
    const target = findUser(ctx, record)
    if (!isFailure(target)) {
      apply(ctx, materialise(ctx.store, ctx.project.type, target), record)
      successCount++
      continue
    }
    // Malformed identifiers are "invalid"; well-formed ones that could not be updated (unknown, forgotten,
    // conflicting) are the "valid ... failures".
    if (target.kind === 'invalidEmail' || target.kind === 'missingIdentifier') lists.invalidEmails.add(target.value)
    else if (target.kind === 'invalidUserId' || target.kind === 'missingUserId') lists.invalidUserIds.add(target.value)
    else if (target.email !== undefined) lists.validEmailFailures.add(target.email)
    else lists.validUserIdFailures.add(target.userId ?? target.value)
  }
  return ok({
    successCount,
    failCount: records.length - successCount,
    invalidEmails: [...lists.invalidEmails],
    invalidUserIds: [...lists.invalidUserIds],
    validEmailFailures: [...lists.validEmailFailures],
    validUserIdFailures: [...lists.validUserIdFailures]
  })
}
