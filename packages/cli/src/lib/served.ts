import type { Destination } from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'

/** The destination serve runs now: its definition, the framework's instance of it, and how many reloads made it. */
export interface ServedDestination {
  definition: AnyDestinationDefinition
  destination: Destination
  generation: number
}
