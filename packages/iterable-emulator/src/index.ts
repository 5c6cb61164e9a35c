// A local emulator of Iterable's API for the endpoints the Iterable (Actions) destination calls. See the README.

export { startEmulator, MAX_BODY_BYTES } from './server'
export type { Emulator, EmulatorOptions } from './server'
export { optionsFromEnv, faultsFromEnv, rateLimitsFromEnv } from './config'
export { RATE_LIMITS } from './rate-limits'
export type { RateLimitedRoute, RateLimitOption } from './rate-limits'
export type { Faults } from './faults'
export type {
  Store,
  StoredUser,
  StoredEvent,
  StoredList,
  StoredDevice,
  StoredCatalog,
  StoredCatalogItem,
  ApiUser,
  ApiCatalogItem,
  RequestLogEntry
} from './store'
export type { FieldType, CatalogFieldType, TypeMismatch } from './field-types'
export { CATALOG_FIELD_TYPES } from './field-types'
export { USER_LISTS as USER_FAILED_UPDATE_LISTS, EVENT_LISTS as EVENT_FAILED_UPDATE_LISTS } from './failures'
export { PROJECT_TYPES } from './project'
export type { ProjectType } from './project'
