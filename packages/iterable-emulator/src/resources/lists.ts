import { badParams, ok, success, text } from '../answers'
import type { Answer } from '../answers'
import { mismatchAnswer, refuseMalformed } from '../context'
import type { Context } from '../context'
import { BulkFailures } from '../failures'
import { TypeCheck } from '../field-types'
import { identify, isFailure, materialise } from '../identity'
import { applyUser, planUser } from '../profiles'
import type { UserPlan, UserRecord } from '../profiles'
import { LIST_CHANNEL_ID } from '../project'
import type { StoredUser } from '../store'

// Static lists: create, read, delete, subscribe and unsubscribe users, list a list's users. A user on a list shows it
// in `emailListIds` (`userListIds` in userID-based and hybrid projects), beside the subscription lists.

export function getLists(ctx: Context): Answer {
  // Newest first, as Iterable lists them.
  return ok({ lists: [...ctx.store.lists.values()].reverse() })
}

export function createList(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'createList', body)
  if (malformed) return malformed
  const { name, description } = body as { name: string; description?: string | null }
  if (name.trim() === '') return badParams('A list needs a name: obj.name must not be empty')
  const list = ctx.store.createList(name, description ?? undefined)
  return ok({ listId: list.id })
}

/** Iterable's answer for a list id the project does not have (recorded from getUsers). */
const unknownList = (ctx: Context, listId: number) =>
  badParams('Invalid email list id', { projectId: String(ctx.project.projectId), listId: String(listId) })

/** A list id from the path or the query: a positive integer. */
function listIdOf(raw: string | null): number | Answer {
  const id = Number(raw)
  if (raw === null || raw.trim() === '' || !Number.isSafeInteger(id) || id < 0)
    return badParams(`Invalid listId: ${raw ?? '(missing)'}. listId must be an integer list id.`)
  return id
}

export function deleteList(ctx: Context, rawId: string): Answer {
  const id = listIdOf(rawId)
  if (typeof id !== 'number') return id
  if (!ctx.store.lists.has(id))
    return badParams(`Unable to delete list ${id} in Project ${ctx.project.projectId}, which does not exist.`)
  ctx.store.deleteList(id)
  return success(null, `List ${id} in Project ${ctx.project.projectId} was successfully deleted.`)
}

/** The answer of subscribe and unsubscribe: bulkUpdate's counts and lists. */
const bulkAnswer = (successCount: number, failures: BulkFailures): Answer =>
  ok({
    successCount,
    failCount: failures.count,
    invalidEmails: [...failures.invalidEmails],
    invalidUserIds: [...failures.invalidUserIds],
    failedUpdates: failures.failed.toJSON()
  })

export function subscribe(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'subscribe', body)
  if (malformed) return malformed
  const request = body as { listId: number; subscribers: UserRecord[]; updateExistingUsersOnly?: boolean | null }
  if (!ctx.store.lists.has(request.listId)) return unknownList(ctx, request.listId)
  // "Only respected in API calls for userID-based and hybrid projects."
  const updateOnly = request.updateExistingUsersOnly === true && ctx.project.type !== 'email'
  const check = new TypeCheck(ctx.store.types)
  const failures = new BulkFailures()
  const plans: UserPlan[] = []
  for (const subscriber of request.subscribers) {
    const plan = planUser(ctx, subscriber, check, { createNewFields: ctx.project.createNewFields, updateOnly })
    if (isFailure(plan)) failures.add(plan)
    else plans.push(plan)
  }
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  for (const plan of plans) {
    const user = applyUser(ctx, plan)
    if (!user.listIds.includes(request.listId)) user.listIds.push(request.listId)
    ctx.store.subscriptionsOf(user)
  }
  return bulkAnswer(plans.length, failures)
}

export function unsubscribe(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'unsubscribe', body)
  if (malformed) return malformed
  const request = body as {
    listId: number
    subscribers: { email?: string | null; userId?: string | null }[]
    channelUnsubscribe?: boolean | null
    campaignId?: number | null
  }
  if (!ctx.store.lists.has(request.listId)) return unknownList(ctx, request.listId)
  const failures = new BulkFailures()
  const users: StoredUser[] = []
  for (const subscriber of request.subscribers) {
    // Unsubscribing never creates a user.
    const target = identify(ctx.store, ctx.project.type, subscriber.email, subscriber.userId, {
      preferUserId: false,
      updateOnly: true
    })
    if (isFailure(target)) failures.add(target)
    else users.push(materialise(ctx.store, ctx.project.type, target))
  }
  for (const user of users) {
    user.listIds = user.listIds.filter((id) => id !== request.listId)
    const subscriptions = ctx.store.subscriptionsOf(user)
    // channelUnsubscribe: "essentially a global unsubscribe" from the list's channel.
    if (request.channelUnsubscribe === true && !subscriptions.unsubscribedChannelIds.includes(LIST_CHANNEL_ID))
      subscriptions.unsubscribedChannelIds.push(LIST_CHANNEL_ID)
    ctx.store.touch(user)
  }
  return bulkAnswer(users.length, failures)
}

/**
 * `GET /api/lists/getUsers?listId=`: plain text, one user per line: the email, or with `preferUserId=true` the userId
 * of users that have one (Iterable's option for hybrid projects); users without an email are listed by userId.
 */
export function getListUsers(ctx: Context, query: URLSearchParams): Answer {
  const id = listIdOf(query.get('listId'))
  if (typeof id !== 'number') return id
  if (!ctx.store.lists.has(id)) return unknownList(ctx, id)
  const preferUserId = query.get('preferUserId') === 'true'
  const lines = ctx.store
    .membersOf(id)
    .map((user) => ((preferUserId || user.email === undefined) && user.userId !== undefined ? user.userId : user.email))
  return text(lines.map((line) => `${line}\n`).join(''))
}
