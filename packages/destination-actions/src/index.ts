// The package's entry point ("main" in package.json): what the repository's scripts and other packages use of the
// destinations, by the package's name (@local/destination-actions), so that none reaches into a destination's files.
// Not contributed upstream (action-destinations' package has an index of its own; upstream:check copies the destination
// folders only), and no destination imports it.

export { default as iterable } from './destinations/iterable'
export { default as iterableAudiences } from './destinations/iterable-audiences'
export type { Settings as IterableSettings } from './destinations/iterable/generated-types'
export type {
  Settings as IterableAudiencesSettings,
  AudienceSettings as IterableAudienceSettings
} from './destinations/iterable-audiences/generated-types'
/** Iterable's API origin in each data center, and the header its key is sent in. */
export { API_KEY_HEADER, BASE_URLS } from './destinations/iterable/iterable-api'
