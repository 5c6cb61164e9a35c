import { MultiStatusResponse, PayloadValidationError } from '@segment/actions-core'
import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { OnMappingSaveInputs, OnMappingSaveOutputs, Payload } from './generated-types'
import { BATCH_FIELDS } from '../fields'
import { withIterableDates } from '../dates'
import { batchSizeOf, deliverGroups, errorEntry } from '../bulk'
import type { BulkGroup, BulkMember } from '../bulk'
import { callIterable } from '../iterable-api'
import {
  catalogChoices,
  createCatalog,
  FIELD_TYPES,
  itemPath,
  itemsPath,
  MAX_ITEMS_PER_REQUEST,
  requireCatalogName,
  requireItemFields,
  requireItemId,
  setFieldTypes
} from '../catalogs'

// Rows of a warehouse model (Segment's Reverse ETL) as the items of an Iterable catalog: upserted, deleted, or both
// by a `mirror` sync. Iterable writes catalog items asynchronously: a row's status says Iterable accepted it (202).

type Operation = 'upsert' | 'delete'

/** What a row asks of Iterable. */
interface Row {
  catalog: string
  id: string
  operation: Operation
  item?: Record<string, unknown>
}

const UPSERTS = {
  match: 'any' as const,
  conditions: [
    { type: 'syncMode' as const, operator: 'is' as const, value: 'upsert' as const },
    { type: 'syncMode' as const, operator: 'is' as const, value: 'mirror' as const }
  ]
}
const CREATING = {
  match: 'all' as const,
  conditions: [{ fieldKey: 'operation', operator: 'is' as const, value: 'create' }]
}
const SELECTING = {
  match: 'all' as const,
  conditions: [{ fieldKey: 'operation', operator: 'is' as const, value: 'select' }]
}

/**
 * The row's operation: the sync mode's, or with `mirror` the row's own, which the framework reads from the event
 * (`new` and `updated` rows are upserted, `deleted` rows deleted).
 */
function operationOf(syncMode: string | undefined, membership: boolean | undefined): Operation {
  if (syncMode === 'delete') return 'delete'
  if (syncMode !== 'mirror') return 'upsert'
  if (typeof membership !== 'boolean') {
    throw new PayloadValidationError(
      'The mirror sync mode takes the rows of a Reverse ETL model (events named new, updated or deleted): this event is none of them. Choose the upsert or delete sync mode for other events.'
    )
  }
  return membership ? 'upsert' : 'delete'
}

function rowOf(payload: Payload, catalog: string | undefined, operation: Operation): Row {
  const row = { catalog: requireCatalogName(catalog), id: requireItemId(payload.itemId), operation }
  if (operation === 'delete') return row
  const item = withIterableDates(payload.item ?? {}, 'item')
  requireItemFields(item)
  return { ...row, item }
}

const catalogOf = (payload: Payload, hookOutputs?: { onMappingSave?: { outputs?: OnMappingSaveOutputs } }) =>
  hookOutputs?.onMappingSave?.outputs?.catalogName ?? payload.catalogName

const action: ActionDefinition<Settings, Payload, undefined, OnMappingSaveInputs, OnMappingSaveOutputs> = {
  title: 'Sync Catalog Items',
  description:
    "Upserts or deletes the items of an Iterable catalog, one per row of a Reverse ETL model (or event). Iterable stores catalog writes asynchronously: a row's status (202) says Iterable accepted the item.",
  syncMode: {
    label: 'How to sync rows',
    description:
      'Upsert: new and updated rows create or update their items. Delete: deleted rows delete their items. Mirror: both, so the catalog follows the model.',
    default: 'upsert',
    choices: [
      { label: 'Upsert items', value: 'upsert' },
      { label: 'Delete items', value: 'delete' },
      { label: 'Mirror the model (upsert and delete)', value: 'mirror' }
    ]
  },
  fields: {
    catalogName: {
      label: 'Catalog',
      description:
        'The Iterable catalog of the items, when none was chosen or created when saving the mapping (which then wins). Letters, digits and dashes, at most 255 characters.',
      type: 'string',
      dynamic: true
    },
    itemId: {
      label: 'Item ID',
      description:
        "The item's id in the catalog: letters, digits and dashes, at most 255 characters. By default the row's `id` column.",
      type: 'string',
      required: true,
      default: { '@path': '$.properties.id' }
    },
    item: {
      label: 'Item Fields',
      description:
        "The item's fields: by default every column of the row (its id included). Field names cannot contain a period; an item is at most 30 KB of JSON. ISO-8601 date-times are sent in Iterable's date format.",
      type: 'object',
      defaultObjectUI: 'keyvalue',
      depends_on: UPSERTS,
      default: { '@path': '$.properties' }
    },
    replaceUploadedFieldsOnly: {
      label: 'Update Only the Fields Sent',
      description:
        "On: an upsert changes only the fields sent, and keeps the item's other fields (Iterable's replaceUploadedFieldsOnly; PATCH for a single row). Off: it replaces the whole item (PUT for a single row).",
      type: 'boolean',
      depends_on: UPSERTS,
      default: false
    },
    enable_batching: BATCH_FIELDS.enable_batching,
    batch_size: {
      ...BATCH_FIELDS.batch_size,
      description: `Maximum number of rows in each batch: Iterable takes at most ${MAX_ITEMS_PER_REQUEST} items per request.`,
      maximum: MAX_ITEMS_PER_REQUEST,
      default: MAX_ITEMS_PER_REQUEST
    },
    batch_bytes: BATCH_FIELDS.batch_bytes
  },
  dynamicFields: {
    catalogName: (request, { settings, page }) => catalogChoices(request, settings, page)
  },
  hooks: {
    onMappingSave: {
      label: 'Select or Create a Catalog',
      description:
        'Choose the Iterable catalog of the items, or create it with the types of its fields. Iterable fixes a field type once set: a field asked to change type is refused.',
      inputFields: {
        operation: {
          label: 'Operation',
          description: 'Select an existing catalog, or create a new one.',
          type: 'string',
          required: true,
          choices: [
            { label: 'Select an existing catalog', value: 'select' },
            { label: 'Create a new catalog', value: 'create' }
          ]
        },
        existingCatalog: {
          label: 'Catalog',
          description: 'The catalog to sync the items to.',
          type: 'string',
          required: SELECTING,
          depends_on: SELECTING,
          dynamic: (request: RequestClient, { settings, page }: { settings: Settings; page?: string }) =>
            catalogChoices(request, settings, page)
        },
        newCatalog: {
          label: 'New Catalog Name',
          description: 'The name of the catalog to create: letters, digits and dashes, at most 255 characters.',
          type: 'string',
          required: CREATING,
          depends_on: CREATING
        },
        fieldTypes: {
          label: 'Field Types',
          description: `The types of the catalog's fields (${FIELD_TYPES.join(
            ', '
          )}), set before any item arrives; fields left out take the type of their first value. A type already set cannot change.`,
          type: 'object',
          multiple: true,
          defaultObjectUI: 'arrayeditor',
          properties: {
            name: { label: 'Field Name', description: 'The field, without periods.', type: 'string', required: true },
            type: {
              label: 'Field Type',
              description: "The field's Iterable type.",
              type: 'string',
              required: true,
              choices: FIELD_TYPES.map((type) => ({ label: type, value: type }))
            }
          }
        }
      },
      outputTypes: {
        catalogName: { label: 'Catalog', description: 'The catalog the items go to.', type: 'string', required: true }
      },
      performHook: async (request, { settings, hookInputs }) => {
        try {
          const creating = hookInputs?.operation === 'create'
          const catalog = requireCatalogName(creating ? hookInputs?.newCatalog : hookInputs?.existingCatalog)
          if (creating) await createCatalog(request, settings, catalog)
          await setFieldTypes(request, settings, catalog, hookInputs?.fieldTypes ?? [])
          return {
            successMessage: `Items will be synced to the catalog ${catalog}${creating ? ', created in Iterable' : ''}.`,
            savedData: { catalogName: catalog }
          }
        } catch (error) {
          const { message, code } = error as { message: string; code?: string }
          return { error: { message, code: code ?? 'CATALOG_NOT_SAVED' } }
        }
      }
    }
  },
  perform: (request, { payload, settings, syncMode, audienceMembership, hookOutputs }) => {
    const membership = typeof audienceMembership === 'boolean' ? audienceMembership : undefined
    const row = rowOf(payload, catalogOf(payload, hookOutputs), operationOf(syncMode, membership))
    const path = itemPath(row.catalog, row.id)
    if (row.operation === 'delete') return callIterable(request, settings, path, { method: 'delete' })
    return payload.replaceUploadedFieldsOnly
      ? callIterable(request, settings, path, { method: 'patch', json: { update: row.item } })
      : callIterable(request, settings, path, { method: 'put', json: { value: row.item } })
  },
  performBatch: async (request, { payload: payloads, settings, syncMode, audienceMembership, hookOutputs }) => {
    const results = new MultiStatusResponse()
    const memberships = Array.isArray(audienceMembership) ? audienceMembership : []
    // By catalog and item id, the row's latest change: a later row of the same item wins, and the earlier ones share
    // its status. Upserts and deletes go in separate requests, which cannot keep the rows' order.
    const changes = new Map<string, { row: Row; replace: boolean; indices: number[] }>()
    payloads.forEach((payload, index) => {
      try {
        const row = rowOf(payload, catalogOf(payload, hookOutputs), operationOf(syncMode, memberships[index]))
        const key = JSON.stringify([row.catalog.toLowerCase(), row.id])
        const earlier = changes.get(key)
        changes.delete(key)
        const replace = !payload.replaceUploadedFieldsOnly
        changes.set(key, { row, replace, indices: [...(earlier?.indices ?? []), index] })
      } catch (error) {
        results.setErrorResponseAtIndex(index, errorEntry(error))
      }
    })
    const groups = new Map<string, BulkGroup>()
    for (const { row, replace, indices } of changes.values()) {
      const key = JSON.stringify([row.catalog.toLowerCase(), row.operation, replace])
      const group = groups.get(key) ?? groupFor(row, replace)
      groups.set(key, group)
      const member: BulkMember = { indices, record: row.item ? { id: row.id, item: row.item } : { id: row.id } }
      group.members.push(member)
    }
    const batchSize = Math.min(batchSizeOf(payloads), MAX_ITEMS_PER_REQUEST)
    await deliverGroups(request, settings, [...groups.values()], results, batchSize)
    return results
  }
}

/** The bulk request of a catalog's upserts (`documents` keyed by item id) or deletes (`itemIds`). */
function groupFor(row: Row, replace: boolean): BulkGroup {
  const endpoint = itemsPath(row.catalog)
  if (row.operation === 'delete') {
    return {
      endpoint,
      method: 'delete',
      listKey: 'itemIds',
      extras: {},
      members: [],
      body: (records) => ({ itemIds: records.map(({ id }) => id) })
    }
  }
  return {
    endpoint,
    listKey: 'documents',
    extras: {},
    members: [],
    body: (records) => ({
      documents: Object.fromEntries(records.map(({ id, item }) => [id, item])),
      replaceUploadedFieldsOnly: !replace
    })
  }
}

export default action
