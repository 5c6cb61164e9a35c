import { APIError } from '@segment/actions-core'
import type { RequestClient } from '@segment/actions-core'
import { callIterable } from '../iterable/iterable-api'
import type { Settings } from './generated-types'
import type { IterableList } from './types'

/** Every list of the project (Iterable has no lookup of one list by id or by name). */
export async function getLists(request: RequestClient, settings: Settings): Promise<IterableList[]> {
  const { lists } = (await callIterable(request, settings, '/api/lists', { method: 'get' })).json
  if (!Array.isArray(lists)) {
    throw new APIError('Iterable answered GET /api/lists without a "lists" array; Segment will retry.', 502)
  }
  return lists as IterableList[]
}

// Only static lists take subscribers; Iterable's other list types (Dynamic, Suppression, Internal) are left alone.
const isStatic = (list: IterableList) => list.listType === undefined || list.listType === 'Standard'

/** The static list with this name; the oldest (lowest id) when Iterable holds several. */
export function findListByName(lists: IterableList[], name: string): IterableList | undefined {
  return lists.filter((list) => list.name === name && isStatic(list)).sort((a, b) => a.id - b.id)[0]
}

export function findListById(lists: IterableList[], externalId: string): IterableList | undefined {
  return lists.find((list) => String(list.id) === externalId.trim())
}

/** Creates a static list and returns its id. */
export async function createList(request: RequestClient, settings: Settings, name: string): Promise<string> {
  const { listId } = (await callIterable(request, settings, '/api/lists', { json: { name } })).json
  if (typeof listId !== 'number' && typeof listId !== 'string') {
    throw new APIError(
      `Iterable answered POST /api/lists for "${name}" without a listId; Segment will retry, and find the list by name if Iterable created it.`,
      502
    )
  }
  return String(listId)
}
