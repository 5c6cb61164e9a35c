import { badParams, failure, ok, success, text } from '../answers'
import type { Answer } from '../answers'
import { mismatchAnswer, refuseMalformed } from '../context'
import type { Context } from '../context'
import { failureAnswer, BulkFailures } from '../failures'
import { TypeCheck, USER_SCOPE } from '../field-types'
import { isFailure } from '../identity'
import { applyUser, planUser } from '../profiles'
import type { UserPlan, UserRecord } from '../profiles'
import type { StoredUser } from '../store'
import { isValidEmail, isValidUserId } from '../validation'

// Users: updates, updateEmail, reads, deletes, GDPR forget and the project's user fields.

export function updateUser(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'userUpdate', body)
  if (malformed) return malformed
  const record = body as UserRecord & { createNewFields?: boolean | null }
  const check = new TypeCheck(ctx.store.types)
  const plan = planUser(ctx, record, check, { createNewFields: record.createNewFields ?? ctx.project.createNewFields })
  if (isFailure(plan)) return failureAnswer(plan, { prefix: 'obj.', forgottenStatus: 409, canCreate: true })
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  applyUser(ctx, plan)
  return success()
}

export function bulkUpdateUsers(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'bulkUpdate', body)
  if (malformed) return malformed
  const request = body as { users: UserRecord[]; createNewFields?: boolean | null; updateOnly?: boolean | null }
  // An empty batch names no valid email: Iterable refuses it so (recorded), unlike an empty trackBulk.
  if (request.users.length === 0) return failure(400, 'InvalidEmailAddressError', 'Emails invalid: ')
  const options = {
    createNewFields: request.createNewFields ?? ctx.project.createNewFields,
    updateOnly: request.updateOnly === true
  }
  const check = new TypeCheck(ctx.store.types)
  const failures = new BulkFailures()
  const plans: UserPlan[] = []
  for (const record of request.users) {
    const plan = planUser(ctx, record, check, options)
    if (isFailure(plan)) failures.add(plan)
    else plans.push(plan)
  }
  // One record with a field of the wrong type refuses the whole request, as Iterable does.
  if (!check.ok) return mismatchAnswer(ctx, check.mismatches)
  check.commit()
  for (const plan of plans) applyUser(ctx, plan)

  return ok({
    successCount: plans.length,
    failCount: failures.count,
    invalidEmails: [...failures.invalidEmails],
    invalidUserIds: [...failures.invalidUserIds],
    failedUpdates: failures.failed.toJSON(),
    createdFields: [...check.createdFields],
    filteredOutFields: [...check.filteredOutFields]
  })
}

const invalidEmail = (email: string) => failure(400, 'InvalidEmailAddressError', `Invalid email: ${email}`)

export function updateEmail(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'updateEmail', body)
  if (malformed) return malformed
  const { store } = ctx
  if (ctx.project.type !== 'email') {
    return badParams(
      `updateEmail is for email-based projects; this project is ${
        ctx.project.type === 'hybrid' ? 'hybrid' : 'userID-based'
      }. ` + 'Change the email with POST /api/users/update: the userId, and the new email in dataFields.email.'
    )
  }
  const { currentEmail, currentUserId, newEmail } = body as {
    currentEmail?: string | null
    currentUserId?: string | null
    newEmail: string
  }
  // currentEmail takes precedence when both are sent.
  const current = currentEmail || currentUserId
  if (!current) {
    return badParams('Either obj.currentEmail or obj.currentUserId must be set')
  }
  if (currentEmail && !isValidEmail(currentEmail)) return invalidEmail(currentEmail)
  if (!isValidEmail(newEmail)) return invalidEmail(newEmail)
  const forgotten =
    store.isForgottenEmail(newEmail) ||
    (currentEmail ? store.isForgottenEmail(currentEmail) : store.isForgottenUserId(currentUserId as string))
  if (forgotten) {
    return failure(409, 'ForgottenUserError', `Cannot change user ${current} to ${newEmail}: a forgotten user (GDPR).`)
  }
  const user = currentEmail ? store.findByEmail(currentEmail) : store.findByUserId(currentUserId as string)
  if (!user) return badParams(`Cannot change user Some(${current}) to ${newEmail}. User does not exist`)
  const owner = store.findByEmail(newEmail)
  if (owner && owner !== user) {
    return failure(409, 'EmailAlreadyExists', `Cannot change user ${user.email} to ${newEmail}: email already exists`)
  }
  // The profile moves whole (data, lists, cart, events) to a new profile document, signed up now.
  store.changeEmail(user, newEmail)
  return success()
}

// Reads.

const userAnswer = (ctx: Context, user: StoredUser | undefined): Answer =>
  // An unknown user is an empty object, not an error (as Iterable answers).
  ok(user ? { user: ctx.store.renderUser(user) } : {})

/** userID-based projects look users up by userId only. */
const byUserIdOnly = (what: string, instead: string) =>
  badParams(`This project identifies users by userId: ${what} by email is not available. Use ${instead}.`)

export function getUserByEmail(ctx: Context, email: string): Answer {
  if (!isValidEmail(email)) return invalidEmail(email)
  if (ctx.project.type === 'userId') return byUserIdOnly('a lookup', 'GET /api/users/byUserId/{userId}')
  return userAnswer(ctx, ctx.store.findByEmail(email))
}

export function getUserByUserId(ctx: Context, userId: string): Answer {
  const user = userId === '' ? undefined : ctx.store.findByUserId(userId)
  // Unlike a read by email, an unknown userId is an error, in plain text (as recorded from Iterable).
  return user ? userAnswer(ctx, user) : text('No user with that id exists!', 400)
}

// Deletes. Iterable deletes asynchronously; here the user is gone at once.

export function deleteUserByEmail(ctx: Context, email: string): Answer {
  if (!isValidEmail(email)) return invalidEmail(email)
  if (ctx.project.type === 'userId') return byUserIdOnly('deleting', 'DELETE /api/users/byUserId/{userId}')
  const user = ctx.store.findByEmail(email)
  // Deleting a user that does not exist succeeds, as Iterable answers.
  if (user) ctx.store.deleteUser(user)
  return success()
}

export function deleteUserByUserId(ctx: Context, userId: string): Answer {
  if (!isValidUserId(userId)) {
    return failure(400, 'InvalidUserIdError', `Invalid userId: "${userId}"`)
  }
  // "If multiple users share the same userId, they'll all be deleted."
  const users = ctx.store.allByUserId(userId)
  if (users.length === 0) return badParams(`No users with userId ${userId} exist`)
  for (const user of users) ctx.store.deleteUser(user)
  return success(null, `All users associated with ${userId} were successfully deleted`)
}

/** GDPR forget: by email in email-based projects, by userId in userID-based ones, either in hybrid projects. */
export function forgetUser(ctx: Context, body: unknown): Answer {
  const malformed = refuseMalformed(ctx, 'forget', body)
  if (malformed) return malformed
  const { email, userId } = body as { email?: string | null; userId?: string | null }
  const type = ctx.project.type
  const byEmail = typeof email === 'string' && email !== '' && type !== 'userId'
  const byUserId = typeof userId === 'string' && userId !== '' && type !== 'email' && !byEmail
  if (!byEmail && !byUserId) {
    const needed = { email: 'an email', userId: 'a userId', hybrid: 'an email or a userId' }[type]
    return badParams(
      `Forgetting a user in this project takes ${needed} (obj.${type === 'userId' ? 'userId' : 'email'})`
    )
  }
  if (byEmail && !isValidEmail(email)) return invalidEmail(email)
  if (byUserId && !isValidUserId(userId)) return failure(400, 'InvalidUserIdError', `Invalid userId: "${userId}"`)
  const user = byEmail ? ctx.store.findByEmail(email) : ctx.store.findByUserId(userId as string)
  ctx.store.forget(byEmail ? { email } : { userId: userId as string }, user)
  return success()
}

/** Iterable's own profile fields, which every project lists. */
const ITERABLE_FIELDS = { 'itblInternal.emailDomain': 'string', 'itblInternal.regionCode': 'string' }

/** `{ fields: { name: type } }`: the user fields the project knows, nested ones by their dotted path. */
export function getUserFields(ctx: Context): Answer {
  const known = ctx.store.types.snapshot()[USER_SCOPE.key] ?? {}
  return ok({ fields: { ...known, ...ITERABLE_FIELDS } })
}
