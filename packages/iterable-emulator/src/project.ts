// The emulated project's settings, fixed when the emulator starts, as an Iterable project's are when it is created.

/**
 * How the project identifies users (Iterable's "Project Types and Unique Identifiers"):
 * - `email`: email is unique and identifies users; userId is an attribute several users may share; a userId-only user
 *   gets a `@placeholder.email` address (with `preferUserId`).
 * - `userId`: userId is unique and required; email is plain profile data that several users may share.
 * - `hybrid`: email and userId are both unique, at least one is required, and either finds the user.
 */
export type ProjectType = 'email' | 'userId' | 'hybrid'

export const PROJECT_TYPES: readonly ProjectType[] = ['email', 'userId', 'hybrid']

export interface Project {
  /** Named in Iterable's messages ("Project 12345: ..."). */
  projectId: number
  /** The project setting for fields no request has sent before: added (true) or dropped (false). */
  createNewFields: boolean
  type: ProjectType
}

/** The profile field that lists a user's static lists: `emailListIds` in email-based projects, else `userListIds`. */
export const listField = (type: ProjectType) => (type === 'email' ? 'emailListIds' : 'userListIds')

/** The email channel that `channelUnsubscribe` unsubscribes from: every emulated list belongs to it. */
export const LIST_CHANNEL_ID = 1
