// The request bodies the emulator accepts, as JSON Schema (draft-07, compiled by ajv). Written for this project from
// Iterable's published API documentation; Iterable's own spec file is used only by the tests, never at run time.
//
// They check what Iterable checks when it reads a body: the types of the keys it knows and the keys it requires.
// Unknown keys are ignored, as Iterable ignores them, and an optional key sent as null counts as absent. What a
// schema cannot say (an email's syntax, a userId's length, "email or userId") is checked in the handlers, because
// Iterable answers those with other codes, and in bulk bodies per record rather than for the whole request.

type Schema = Record<string, unknown>

const optional = (type: string | string[]): Schema => ({ type: [...(Array.isArray(type) ? type : [type]), 'null'] })

const str = optional('string')
const bool = optional('boolean')
const int = optional('integer')
const obj = optional('object')

/** A user as `users/update` takes it, and as the `user` of the commerce endpoints. */
const userProperties: Schema = {
  email: str,
  userId: str,
  dataFields: obj,
  preferUserId: bool,
  mergeNestedObjects: bool,
  createNewFields: bool
}

export const userUpdateSchema: Schema = {
  $id: 'iterable-emulator/UserUpdateRequest',
  type: 'object',
  properties: userProperties
}

export const bulkUpdateSchema: Schema = {
  $id: 'iterable-emulator/BulkUpdateUsersRequest',
  type: 'object',
  required: ['users'],
  properties: {
    users: { type: 'array', items: { type: 'object', properties: userProperties } },
    createNewFields: bool,
    updateOnly: bool
  }
}

export const updateEmailSchema: Schema = {
  $id: 'iterable-emulator/UpdateEmailRequest',
  type: 'object',
  required: ['newEmail'],
  properties: {
    currentEmail: str,
    currentUserId: str,
    newEmail: { type: 'string' }
  }
}

const trackProperties: Schema = {
  email: str,
  userId: str,
  eventName: { type: 'string' },
  id: str,
  createdAt: int,
  dataFields: obj,
  campaignId: int,
  templateId: int,
  createNewFields: bool
}

export const trackSchema: Schema = {
  $id: 'iterable-emulator/TrackRequest',
  type: 'object',
  required: ['eventName'],
  properties: trackProperties
}

export const trackBulkSchema: Schema = {
  $id: 'iterable-emulator/BulkTrackRequest',
  type: 'object',
  required: ['events'],
  properties: {
    events: { type: 'array', items: { type: 'object', required: ['eventName'], properties: trackProperties } },
    createNewFields: bool
  }
}

const commerceItem: Schema = {
  type: 'object',
  required: ['id', 'name', 'price', 'quantity'],
  properties: {
    id: { type: 'string' },
    sku: str,
    name: { type: 'string' },
    description: str,
    categories: { ...optional('array'), items: { type: 'string' } },
    price: { type: 'number' },
    quantity: { type: 'integer' },
    imageUrl: str,
    url: str,
    dataFields: obj
  }
}

const commerceUser: Schema = { type: 'object', properties: userProperties }

export const trackPurchaseSchema: Schema = {
  $id: 'iterable-emulator/TrackPurchaseRequest',
  type: 'object',
  required: ['user', 'items', 'total'],
  properties: {
    id: str,
    user: commerceUser,
    items: { type: 'array', items: commerceItem },
    campaignId: int,
    templateId: int,
    total: { type: 'number' },
    createdAt: int,
    dataFields: obj,
    createNewFields: bool
  }
}

export const updateCartSchema: Schema = {
  $id: 'iterable-emulator/UpdateCartRequest',
  type: 'object',
  required: ['user', 'items'],
  properties: {
    user: commerceUser,
    items: { type: 'array', items: commerceItem },
    createNewFields: bool
  }
}

const identityProperties: Schema = { email: str, userId: str }

export const forgetSchema: Schema = {
  $id: 'iterable-emulator/UserRequest',
  type: 'object',
  properties: identityProperties
}

export const createListSchema: Schema = {
  $id: 'iterable-emulator/CreateListRequest',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, description: str }
}

export const subscribeSchema: Schema = {
  $id: 'iterable-emulator/SubscribeRequest',
  type: 'object',
  required: ['listId', 'subscribers'],
  properties: {
    listId: { type: 'integer' },
    subscribers: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ...identityProperties, dataFields: obj, preferUserId: bool, mergeNestedObjects: bool }
      }
    },
    updateExistingUsersOnly: bool
  }
}

export const unsubscribeSchema: Schema = {
  $id: 'iterable-emulator/UnsubscribeRequest',
  type: 'object',
  required: ['listId', 'subscribers'],
  properties: {
    listId: { type: 'integer' },
    subscribers: { type: 'array', items: { type: 'object', properties: identityProperties } },
    campaignId: int,
    channelUnsubscribe: bool
  }
}

const ids = { ...optional('array'), items: { type: 'integer' } }

const updateSubscriptionsProperties: Schema = {
  ...identityProperties,
  emailListIds: ids,
  unsubscribedChannelIds: ids,
  unsubscribedMessageTypeIds: ids,
  subscribedMessageTypeIds: ids,
  campaignId: int,
  templateId: int,
  validateChannelAlignment: bool
}

export const updateSubscriptionsSchema: Schema = {
  $id: 'iterable-emulator/UpdateSubscriptionsRequest',
  type: 'object',
  properties: updateSubscriptionsProperties
}

export const bulkUpdateSubscriptionsSchema: Schema = {
  $id: 'iterable-emulator/BulkUpdateSubscriptionsRequest',
  type: 'object',
  required: ['updateSubscriptionsRequests'],
  properties: {
    updateSubscriptionsRequests: { type: 'array', items: { type: 'object', properties: updateSubscriptionsProperties } }
  }
}

/** Iterable's push platforms. */
export const DEVICE_PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM'] as const

export const registerDeviceTokenSchema: Schema = {
  $id: 'iterable-emulator/RegisterDeviceTokenRequest',
  type: 'object',
  required: ['device'],
  properties: {
    ...identityProperties,
    preferUserId: bool,
    device: {
      type: 'object',
      required: ['token', 'platform', 'applicationName'],
      properties: {
        token: { type: 'string' },
        platform: { type: 'string', enum: DEVICE_PLATFORMS },
        applicationName: { type: 'string' },
        dataFields: obj
      }
    }
  }
}

export const registerBrowserTokenSchema: Schema = {
  $id: 'iterable-emulator/RegisterBrowserTokenRequest',
  type: 'object',
  required: ['browserToken'],
  properties: { ...identityProperties, browserToken: { type: 'string' } }
}

// Catalogs: bodies as Iterable's API reference defines them. Names, ids, field names, sizes and types are checked in
// the handlers, which answer them with BadParams or RequestFieldsTypesMismatched.

export const catalogBulkUploadSchema: Schema = {
  $id: 'iterable-emulator/CatalogBulkUploadRequest',
  type: 'object',
  required: ['documents'],
  properties: {
    /** Item id → the item: every value is a JSON object. */
    documents: { type: 'object', additionalProperties: { type: 'object' } },
    replaceUploadedFieldsOnly: bool
  }
}

export const catalogBulkDeleteSchema: Schema = {
  $id: 'iterable-emulator/CatalogBulkDeleteRequest',
  type: 'object',
  required: ['itemIds'],
  properties: { itemIds: { type: 'array', items: { type: 'string' } } }
}

export const catalogMappingsUpdateSchema: Schema = {
  $id: 'iterable-emulator/CatalogMappingsUpdateRequest',
  type: 'object',
  required: ['mappingsUpdates'],
  properties: { mappingsUpdates: { type: 'array', items: { $ref: '#/definitions/field' } } },
  definitions: {
    /** A field and its type; an object field may define its own fields as `children`. */
    field: {
      type: 'object',
      required: ['fieldName', 'fieldType'],
      properties: {
        fieldName: { type: 'string' },
        fieldType: { type: 'string' },
        children: { ...optional('array'), items: { $ref: '#/definitions/field' } }
      }
    }
  }
}

export const catalogIndexItemSchema: Schema = {
  $id: 'iterable-emulator/CatalogIndexItemRequest',
  type: 'object',
  required: ['value'],
  properties: { value: { type: 'object' } }
}

export const catalogUpdateItemSchema: Schema = {
  $id: 'iterable-emulator/CatalogUpdateItemRequest',
  type: 'object',
  required: ['update'],
  properties: { update: { type: 'object' } }
}

/** The admin route's body: the faults to inject from now on. */
export const faultsSchema: Schema = {
  $id: 'iterable-emulator/Faults',
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: { type: 'number', minimum: 0 },
    errorRate: { type: 'number', minimum: 0, maximum: 1 },
    errorStatuses: { type: 'array', items: { type: 'integer', minimum: 500, maximum: 599 }, minItems: 1 },
    dropRate: { type: 'number', minimum: 0, maximum: 1 },
    force429: { type: 'boolean' },
    seed: { type: 'integer' },
    paths: { type: 'array', items: { type: 'string' } }
  }
}

export const REQUEST_SCHEMAS = {
  userUpdate: userUpdateSchema,
  bulkUpdate: bulkUpdateSchema,
  updateEmail: updateEmailSchema,
  track: trackSchema,
  trackBulk: trackBulkSchema,
  trackPurchase: trackPurchaseSchema,
  updateCart: updateCartSchema,
  forget: forgetSchema,
  createList: createListSchema,
  subscribe: subscribeSchema,
  unsubscribe: unsubscribeSchema,
  updateSubscriptions: updateSubscriptionsSchema,
  bulkUpdateSubscriptions: bulkUpdateSubscriptionsSchema,
  registerDeviceToken: registerDeviceTokenSchema,
  registerBrowserToken: registerBrowserTokenSchema,
  catalogBulkUpload: catalogBulkUploadSchema,
  catalogBulkDelete: catalogBulkDeleteSchema,
  catalogMappingsUpdate: catalogMappingsUpdateSchema,
  catalogIndexItem: catalogIndexItemSchema,
  catalogUpdateItem: catalogUpdateItemSchema,
  faults: faultsSchema
} as const

export type SchemaName = keyof typeof REQUEST_SCHEMAS
