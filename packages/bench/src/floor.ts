import type { ActionDefinition, DestinationDefinition } from '@segment/actions-core'
import type { Settings } from '@local/destination-actions/src/destinations/iterable/generated-types'
import { ACTIONS, BENCH_ACTIONS } from './scenarios'

// The framework's floor: a destination with the real actions' fields (so the same mapping, schema validation and
// request client run) whose perform sends the mapped payload unchanged to the same endpoint, and whose performBatch
// sends the whole payload array in ONE request: the floor does not chunk, validate identifiers, convert dates or
// give per-event statuses. What it costs is what any destination built on the framework costs at least.

export const FLOOR_ORIGIN = 'https://api.iterable.com'

/** A whole batch in one body can be large (100,000 identify payloads are ~150 MB): give it time. */
const FLOOR_BATCH_TIMEOUT_MS = 300_000

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action has its own payload type
type AnyAction = ActionDefinition<Settings, any>

export function floorDefinition(real: DestinationDefinition<Settings>): DestinationDefinition<Settings> {
  const actions: Record<string, AnyAction> = {}
  for (const key of BENCH_ACTIONS) {
    const action = real.actions[key]
    const { single, batch } = ACTIONS[key].endpoints
    actions[key] = {
      title: `${action.title} (floor)`,
      description: `The framework's floor for ${key}: the mapped payload sent unchanged.`,
      defaultSubscription: action.defaultSubscription,
      fields: action.fields,
      perform: (request, { payload }) => request(FLOOR_ORIGIN + single, { method: 'post', json: payload }),
      ...(action.performBatch &&
        batch && {
          performBatch: (request, { payload }) =>
            request(FLOOR_ORIGIN + batch, { method: 'post', json: payload, timeout: FLOOR_BATCH_TIMEOUT_MS })
        })
    }
  }
  return {
    name: 'Iterable floor (bench)',
    slug: 'bench-iterable-floor',
    mode: 'cloud',
    description: "The framework's floor with the Iterable destination's fields.",
    authentication: real.authentication,
    // The same headers as the real destination, so both send the same bytes of headers.
    extendRequest: real.extendRequest,
    actions
  }
}
