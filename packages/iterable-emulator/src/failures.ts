import { badParams, failure } from './answers'
import type { Answer } from './answers'
import type { Failure } from './identity'

// How a failure about the user is answered: by a single-record endpoint as an error, by a bulk endpoint in one of the
// `failedUpdates` lists of its 200 answer.

export interface FailureAnswerOptions {
  /** The JSON path of the user in the body (`obj.`, `obj.user.`), for `params`. */
  prefix: string
  /** ForgottenUserError is 409 on users/update and updateEmail (the spec lists it there), 400 elsewhere. */
  forgottenStatus: number
  /** Whether the endpoint can create a user for an unknown userId (with preferUserId). */
  canCreate: boolean
}

export function failureAnswer(problem: Failure, { prefix, forgottenStatus, canCreate }: FailureAnswerOptions): Answer {
  switch (problem.kind) {
    case 'missingIdentifier':
      return badParams(
        `Either email or userId must be set: send ${prefix}email or ${prefix}userId to identify the user.`
      )
    case 'missingUserId':
      return badParams(`This project identifies users by userId: ${prefix}userId must be set.`)
    case 'invalidEmail':
      return failure(400, 'InvalidEmailAddressError', `Invalid email: ${problem.value}`)
    case 'invalidUserId':
      return failure(
        400,
        'InvalidUserIdError',
        `Invalid userId: "${problem.value}". A userId is 1 to 52 printable ASCII characters, without a trailing space.`
      )
    case 'forgottenEmail':
    case 'forgottenUserId':
      return failure(
        forgottenStatus,
        'ForgottenUserError',
        `User ${problem.value} has been forgotten at their request (GDPR); no data can be stored about them.`
      )
    case 'notFoundUserId':
      return badParams(
        `Cannot update user with userId ${problem.value}. User does not exist` +
          (canCreate ? '. Send an email, or set preferUserId to true to create a user with this userId.' : '.')
      )
    case 'notFoundEmail':
      return badParams(`Cannot update user ${problem.value}. User does not exist.`)
    case 'conflictEmail':
      return failure(
        409,
        'EmailAlreadyExists',
        `The email ${problem.value} belongs to another user than the one this request identifies; emails are unique in this project.`
      )
    case 'conflictUserId':
      return failure(
        409,
        'UserIdAlreadyExists',
        `The userId ${problem.value} belongs to another user; userIds are unique in this project.`
      )
    case 'invalidData':
      return badParams(`Invalid data in ${prefix}dataFields.${problem.path}: ${problem.reason}`)
  }
}

/** `failedUpdates` of a bulk answer, every list present (empty when nothing failed that way), each name listed once. */
export class FailedLists<Name extends string> {
  private readonly lists: Record<string, Set<string>>

  constructor(readonly names: readonly Name[]) {
    this.lists = Object.fromEntries(names.map((name) => [name, new Set<string>()]))
  }

  add(list: Name, value: string): void {
    this.lists[list].add(value)
  }

  toJSON(): Record<Name, string[]> {
    return Object.fromEntries(this.names.map((name) => [name, [...this.lists[name]]])) as Record<Name, string[]>
  }
}

/** The lists of `failedUpdates` in Iterable's bulk answers: users (bulkUpdate, lists) and events (trackBulk). */
export const USER_LISTS = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds',
  'conflictEmails',
  'conflictUserIds',
  'invalidDataEmails',
  'invalidDataUserIds'
] as const

export const EVENT_LISTS = [
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds',
  'forgottenEmails',
  'forgottenUserIds'
] as const

export type UserList = typeof USER_LISTS[number]

/** The failedUpdates list a failure goes to: the email lists name the email, the userId lists the userId. */
export function listFor(problem: Failure): { list: UserList; value: string } {
  switch (problem.kind) {
    case 'missingIdentifier':
    case 'invalidEmail':
      return { list: 'invalidEmails', value: problem.value }
    case 'missingUserId':
    case 'invalidUserId':
      return { list: 'invalidUserIds', value: problem.value }
    case 'forgottenEmail':
      return { list: 'forgottenEmails', value: problem.value }
    case 'forgottenUserId':
      return { list: 'forgottenUserIds', value: problem.value }
    case 'notFoundEmail':
      return { list: 'notFoundEmails', value: problem.value }
    case 'notFoundUserId':
      return { list: 'notFoundUserIds', value: problem.value }
    case 'conflictEmail':
      return { list: 'conflictEmails', value: problem.value }
    case 'conflictUserId':
      return { list: 'conflictUserIds', value: problem.value }
    case 'invalidData':
      return problem.email !== undefined
        ? { list: 'invalidDataEmails', value: problem.email }
        : { list: 'invalidDataUserIds', value: problem.userId ?? '' }
  }
}

/**
 * A bulk request's failures, as the lists answers carry them: `failedUpdates`, and the deprecated top-level lists that
 * name every user that failed, by email when the record has one.
 */
export class BulkFailures {
  readonly failed = new FailedLists(USER_LISTS)
  readonly invalidEmails = new Set<string>()
  readonly invalidUserIds = new Set<string>()
  count = 0

  add(problem: Failure): void {
    this.count++
    const { list, value } = listFor(problem)
    this.failed.add(list, value)
    if (problem.email !== undefined || problem.userId === undefined) this.invalidEmails.add(problem.email ?? value)
    else this.invalidUserIds.add(problem.userId)
  }
}
