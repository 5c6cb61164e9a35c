import { IntegrationError, MultiStatusResponse } from '@segment/actions-core'
import type { RequestClient } from '@segment/actions-core'
import { callIterable } from '../../iterable/iterable-api'
import type { ApiPath } from '../../iterable/iterable-api'
import { readBulkAnswer } from '../../iterable/bulk-answers'
import { deliverGroups, errorEntry, MAX_BATCH_SIZE } from '../../iterable/bulk'
import type { BulkGroup } from '../../iterable/bulk'
import type { AudienceSettings, Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { membershipOf } from './membership'
import type { Direction, Membership } from './types'

const ENDPOINTS: Record<Direction, ApiPath> = {
  subscribe: '/api/lists/subscribe',
  unsubscribe: '/api/lists/unsubscribe'
}

// The error codes upstream's destination reports for a refused subscribe or unsubscribe.
const ERROR_CODES: Record<Direction, string> = {
  subscribe: 'IterableSubscribeError',
  unsubscribe: 'IterableUnsubscribeError'
}

/** The keys of a subscribe or unsubscribe body besides its users; audience settings only where Iterable reads them. */
export function listBodyKeys(listId: number, direction: Direction, audienceSettings: AudienceSettings = {}) {
  const { updateExistingUsersOnly, globalUnsubscribe, campaignId } = audienceSettings
  if (direction === 'subscribe') {
    return { listId, ...(typeof updateExistingUsersOnly === 'boolean' && { updateExistingUsersOnly }) }
  }
  return {
    listId,
    ...(typeof campaignId === 'number' && { campaignId }),
    ...(typeof globalUnsubscribe === 'boolean' && { channelUnsubscribe: globalUnsubscribe })
  }
}

/** One event: adds the user to the list or removes them, and throws what Iterable refused. */
export async function sendSingle(
  request: RequestClient,
  payload: Payload,
  settings: Settings,
  membership: boolean | undefined,
  audienceSettings?: AudienceSettings
) {
  const { listId, direction, member } = membershipOf(payload, settings, membership)
  const body = { ...listBodyKeys(listId, direction, audienceSettings), subscribers: [member] }
  const answer = await callIterable(request, settings, ENDPOINTS[direction], { json: body })
  // A 200 answer still names the users Iterable refused, in failedUpdates.
  const failure = readBulkAnswer(answer).failureOf(member)
  if (failure) throw new IntegrationError(failure.message, ERROR_CODES[direction], failure.status)
  return answer
}

/** The latest change a batch asks for one user of one list, and the events that asked for it. */
interface Change {
  membership: Membership
  indices: number[]
}

/**
 * A batch: per list, its subscribes and its unsubscribes, sent by the bulk path of the Iterable destination (bodies
 * under 4 MB, Iterable's answer read user by user, a refused body narrowed down to the users at fault), and a status
 * per event.
 */
export async function sendBatch(
  request: RequestClient,
  payloads: Payload[],
  settings: Settings,
  memberships: (boolean | undefined)[],
  audienceSettings?: AudienceSettings
): Promise<MultiStatusResponse> {
  const results = new MultiStatusResponse()
  // By list, each user's latest change. A user who entered and left in one batch must end as the last event says,
  // and one subscribe and one unsubscribe request cannot keep the events' order: the last event wins, and the
  // earlier events of that user share its status.
  const changesByList = new Map<number, Map<string, Change>>()
  payloads.forEach((payload, index) => {
    let membership: Membership
    try {
      membership = membershipOf(payload, settings, memberships[index])
    } catch (error) {
      results.setErrorResponseAtIndex(index, errorEntry(error))
      return
    }
    const changes = changesByList.get(membership.listId) ?? new Map<string, Change>()
    changesByList.set(membership.listId, changes)
    const key = JSON.stringify([membership.member.email?.toLowerCase(), membership.member.userId])
    const earlier = changes.get(key)
    changes.delete(key)
    changes.set(key, { membership, indices: [...(earlier?.indices ?? []), index] })
  })

  const groups: BulkGroup[] = []
  for (const [listId, changes] of changesByList) {
    for (const direction of ['subscribe', 'unsubscribe'] as const) {
      const members = [...changes.values()]
        .filter((change) => change.membership.direction === direction)
        .map((change) => ({ indices: change.indices, record: change.membership.member }))
      if (members.length === 0) continue
      const extras = listBodyKeys(listId, direction, audienceSettings)
      groups.push({ endpoint: ENDPOINTS[direction], listKey: 'subscribers', extras, members })
    }
  }
  await deliverGroups(request, settings, groups, results, MAX_BATCH_SIZE)
  return results
}
