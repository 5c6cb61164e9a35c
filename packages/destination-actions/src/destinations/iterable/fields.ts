import type { InputField } from '@segment/actions-core'
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MAX_BULK_BODY_BYTES } from './bulk'
import { MAX_EMAIL_LENGTH, MAX_ID_BYTES, MAX_USER_ID_LENGTH } from './limits'

// Shared field definitions. Keys and defaults follow the live "Iterable (Actions)" destination so that existing
// customer mappings keep working: add here, never rename.

type Condition = NonNullable<Exclude<InputField['required'], boolean>>

/** "Required when the other field is absent": two fields that each say so make "one of the two" required. */
export const whenMissing = (fieldKey: string): Condition => ({
  match: 'all',
  conditions: [{ fieldKey, operator: 'is', value: undefined }]
})

/** The value at `path`, or at `otherwise` (a path, or another such choice) when there is none there. */
export const pathOr = (path: string, otherwise: string | object): object => ({
  '@if': {
    exists: { '@path': path },
    then: { '@path': path },
    else: typeof otherwise === 'string' ? { '@path': otherwise } : otherwise
  }
})

export const EMAIL_FIELD: InputField = {
  label: 'Email Address',
  description: `An email address that identifies a user profile in Iterable (at most ${MAX_EMAIL_LENGTH} characters). Either this or User ID is required (User ID in UserID-based projects).`,
  type: 'string',
  format: 'email',
  maximum: MAX_EMAIL_LENGTH,
  required: whenMissing('userId'),
  default: pathOr('$.properties.email', '$.context.traits.email')
}

export const USER_ID_FIELD: InputField = {
  label: 'User ID',
  description: `A user ID that identifies a user profile in Iterable (at most ${MAX_USER_ID_LENGTH} characters). Either this or Email Address is required; UserID-based projects require it.`,
  type: 'string',
  maximum: MAX_USER_ID_LENGTH,
  required: whenMissing('email'),
  default: { '@path': '$.userId' }
}

/** Email for identify events: `traits.email`. */
export const TRAITS_EMAIL_FIELD: InputField = { ...EMAIL_FIELD, default: { '@path': '$.traits.email' } }

const dataFields = (label: string, description: string, path: string): InputField => ({
  label,
  description: `${description} ISO-8601 date-times anywhere in it are sent in Iterable's date format, "YYYY-MM-DD HH:mm:ss +00:00" (UTC).`,
  type: 'object',
  default: { '@path': path }
})

export const USER_DATA_FIELDS = dataFields('User Data Fields', 'Data to store on the user profile.', '$.traits')
export const EVENT_DATA_FIELDS = dataFields('Event Data Fields', 'Additional event properties.', '$.properties')

export const USER_PHONE_NUMBER_FIELD: InputField = {
  label: 'User Phone Number',
  description:
    'User phone number, including the country code (e.g. +14158675309). Sent as `dataFields.phoneNumber`, where Iterable reads it for SMS.',
  type: 'string',
  allowNull: true,
  default: { '@path': '$.traits.phone' }
}

export const MERGE_NESTED_OBJECTS_FIELD: InputField = {
  label: 'Merge Nested Objects',
  description:
    "If you'd like to merge (rather than overwrite) a user profile's top-level objects with the values provided for them in the request body, set mergeNestedObjects to true.",
  type: 'boolean',
  default: false
}

export const PREFER_USER_ID_FIELD: InputField = {
  label: 'Prefer User ID',
  description:
    "Only respected in email-based projects: create a new user when the request has a userId that doesn't yet exist in the Iterable project (and no email). When unmapped, it is sent as true for such requests when the Iterable Project Type setting is email-based.",
  type: 'boolean'
}

/** The fields of every event, besides its identifiers, name and data. */
export const EVENT_FIELDS: Record<'id' | 'createdAt' | 'campaignId' | 'templateId', InputField> = {
  id: {
    label: 'Event ID',
    description: `A unique ID (at most ${MAX_ID_BYTES} bytes). If an event exists with that id, the event is updated; the default, the Segment messageId, keeps retries from creating duplicates.`,
    type: 'string',
    default: { '@path': '$.messageId' }
  },
  createdAt: {
    label: 'Timestamp',
    description:
      'Time the event took place, between 1970 and 9999. Sent to Iterable as a Unix timestamp in seconds; a time without a zone is read as UTC.',
    type: 'datetime',
    default: { '@path': '$.timestamp' }
  },
  campaignId: {
    label: 'Campaign ID',
    description: 'Iterable campaign the event can be attributed to.',
    type: 'integer',
    default: { '@path': '$.properties.campaignId' }
  },
  templateId: {
    label: 'Template ID',
    description: 'Iterable template the event can be attributed to.',
    type: 'integer',
    default: { '@path': '$.properties.templateId' }
  }
}

/** The batching fields of every action with a bulk endpoint (Segment's platform reads the hidden two). */
export const BATCH_FIELDS: Record<'enable_batching' | 'batch_size' | 'batch_bytes', InputField> = {
  enable_batching: {
    label: 'Enable Batching',
    description: `When enabled, Segment sends data to Iterable's bulk endpoint in batches of up to ${DEFAULT_BATCH_SIZE}.`,
    type: 'boolean',
    default: true
  },
  batch_size: {
    label: 'Batch Size',
    description: 'Maximum number of events to include in each batch. Actual batch sizes may be lower.',
    type: 'number',
    unsafe_hidden: true,
    minimum: 1,
    maximum: MAX_BATCH_SIZE,
    default: DEFAULT_BATCH_SIZE
  },
  batch_bytes: {
    label: 'Batch Bytes',
    description: "Maximum size of a batch in bytes: Iterable's bulk endpoints take at most 4 MB per request.",
    type: 'number',
    unsafe_hidden: true,
    default: MAX_BULK_BODY_BYTES
  }
}

/**
 * The `user` object of the commerce endpoints. Its "email or userId" rule is checked in code (`identity.ts`): the
 * framework's conditional requirement cannot test a nested key for absence.
 */
export const COMMERCE_USER_FIELD: InputField = {
  label: 'User Data',
  description:
    'The user the purchase or cart belongs to: updated, or created if none exists. Needs an email or a userId.',
  type: 'object',
  required: true,
  additionalProperties: false,
  defaultObjectUI: 'keyvalue:only',
  default: {
    email: EMAIL_FIELD.default,
    userId: { '@path': '$.userId' },
    dataFields: { '@path': '$.context.traits' },
    phoneNumber: { '@path': '$.context.traits.phone' },
    mergeNestedObjects: false
  },
  properties: {
    email: { ...EMAIL_FIELD, required: false },
    userId: { ...USER_ID_FIELD, required: false },
    dataFields: USER_DATA_FIELDS,
    mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
    phoneNumber: USER_PHONE_NUMBER_FIELD,
    preferUserId: PREFER_USER_ID_FIELD
  }
}

/**
 * Segment's ecommerce product keys → Iterable item keys, with paths relative to each product. The id is the product's
 * `product_id` (Segment's ecommerce spec), else `productId` or `id`, which Segment's Iterable documentation also names;
 * the whole product goes to the item's dataFields, whose other keys commerce-items.ts keeps.
 */
export const ITEM_FROM_PRODUCT = {
  id: pathOr('product_id', pathOr('productId', 'id')),
  sku: { '@path': 'sku' },
  categories: { '@path': 'category' },
  name: { '@path': 'name' },
  price: { '@path': 'price' },
  quantity: { '@path': 'quantity' },
  url: { '@path': 'url' },
  imageUrl: { '@path': 'image_url' },
  description: { '@path': 'description' },
  dataFields: { '@path': '$.' }
}

/**
 * Segment's ecommerce spec product → Iterable CommerceItem. Iterable requires `id`, `name`, `price` and `quantity` on
 * every item; commerce-items.ts checks them, naming the product and its key, rather than the schema.
 */
export const ITEMS_FIELD: InputField = {
  label: 'Cart items',
  description:
    "Individual items in the cart, by default from `properties.products`. Each item must contain `id` (the product's `product_id`, `productId` or `id`), `name`, `price`, and `quantity`. The product's other properties are added to dataFields.",
  type: 'object',
  multiple: true,
  additionalProperties: true,
  properties: {
    id: {
      label: 'Product Id',
      description: `The unique identifier of the product (at most ${MAX_ID_BYTES} bytes).`,
      type: 'string'
    },
    name: { label: 'Product Name', description: 'The name of the product.', type: 'string' },
    sku: { label: 'Product SKU', description: 'The Stock Keeping Unit of the product.', type: 'string' },
    quantity: { label: 'Quantity', description: 'How many of the product.', type: 'integer' },
    price: { label: 'Price', description: 'The unit price of the product.', type: 'number' },
    description: { label: 'Product Description', description: 'A description of the product.', type: 'string' },
    categories: { label: 'Product Category', description: 'Sent as a one-element `categories` array.', type: 'string' },
    url: { label: 'Product URL', description: 'The URL of the product page.', type: 'string' },
    imageUrl: { label: 'Product Image URL', description: 'The URL of an image of the product.', type: 'string' },
    dataFields: {
      label: 'Additional item properties',
      description: "The product, whose keys other than the item fields above are sent in the item's dataFields.",
      type: 'object'
    }
  },
  default: { '@arrayPath': ['$.properties.products', ITEM_FROM_PRODUCT] }
}
