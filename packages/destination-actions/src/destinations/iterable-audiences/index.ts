import { defaultValues, IntegrationError } from '@segment/actions-core'
import type { AudienceDestinationDefinition } from '@segment/actions-core'
import { API_KEY_HEADER, CONNECTION_SETTINGS, callIterable } from '../iterable/iterable-api'
import type { AudienceSettings, Settings } from './generated-types'
import syncAudience from './syncAudience'
import { createList, findListById, findListByName, getLists } from './functions'
import { CONSTANTS, PROJECT_TYPE_CHOICES } from './constants'

const destination: AudienceDestinationDefinition<Settings, AudienceSettings> = {
  name: 'Iterable Lists (Actions)',
  slug: 'actions-iterable-audiences',
  mode: 'cloud',
  description: 'Sync Segment Engage Audiences to Iterable Lists',
  authentication: {
    scheme: 'custom',
    fields: {
      apiKey: CONNECTION_SETTINGS.apiKey,
      iterableProjectType: {
        type: 'string',
        label: 'Iterable Project Type',
        description:
          'Select the type of your Iterable project (Iterable: Project Settings > Project type). Hybrid projects identify users by email or user ID, User ID-Based projects by user ID only (required), Email-Based projects by email, or by user ID when no email is given. Email-based projects are not offered in the EU data center.',
        choices: PROJECT_TYPE_CHOICES,
        default: CONSTANTS.HYBRID_PROJECT_TYPE
      },
      dataCenterLocation: CONNECTION_SETTINGS.dataCenterLocation
    },
    // A rejected key becomes InvalidAuthenticationError, which says where to find a server-side key.
    testAuthentication: (request, { settings }) => callIterable(request, settings, '/api/lists', { method: 'get' })
  },
  audienceFields: {
    updateExistingUsersOnly: {
      label: 'Update existing users only',
      description:
        'When true, Iterable ignores requests for unknown userIds and email addresses. This field is only relevant for non-email based Iterable projects: For email-based projects users will continue to be created in Iterable if a user is added or removed from a List.',
      type: 'boolean',
      default: false,
      required: false
    },
    globalUnsubscribe: {
      label: 'Channel Unsubscribe',
      description:
        "Unsubscribe email from list's associated channel - essentially a global unsubscribe. Only valid when unsubscribing a user from a List.",
      type: 'boolean',
      default: false,
      required: false
    },
    campaignId: {
      label: 'Campaign ID',
      description:
        'The numeric Campaign ID to associate with the unsubscribe. Only valid when unsubscribing a user from a List.',
      type: 'number',
      required: false
    }
  },
  audienceConfig: {
    mode: {
      type: 'synced',
      full_audience_sync: false
    },
    // Finds the audience's list by name before creating it: a retry after a create whose answer was lost finds the
    // list instead of making a second one.
    async createAudience(request, { settings, personas }) {
      const name = personas?.computation_key
      if (!name) {
        throw new IntegrationError(
          "Missing computation parameters: Key. Segment names the Iterable list after the audience's key (personas.computation_key), and this request had none.",
          'MISSING_REQUIRED_FIELD',
          422
        )
      }
      const existing = findListByName(await getLists(request, settings), name)
      return { externalId: existing ? String(existing.id) : await createList(request, settings, name) }
    },
    async getAudience(request, { settings, externalId }) {
      const list = findListById(await getLists(request, settings), externalId)
      if (!list) {
        throw new IntegrationError(
          `Audience with ID ${externalId} not found in Iterable: the project of this API key has no list with this ID. If the list was deleted in Iterable, remove this destination from the audience in Engage and add it again, so that Segment creates a new list.`,
          'AUDIENCE_NOT_FOUND',
          404
        )
      }
      return { externalId: String(list.id) }
    }
  },
  extendRequest({ settings }) {
    return {
      headers: { [API_KEY_HEADER]: settings.apiKey }
    }
  },

  actions: {
    syncAudience
  },
  presets: [
    {
      name: 'Entities Audience Membership Changed',
      partnerAction: 'syncAudience',
      mapping: defaultValues(syncAudience.fields),
      type: 'specificEvent',
      eventSlug: 'warehouse_audience_membership_changed_identify'
    },
    {
      name: 'Associated Entity Added',
      partnerAction: 'syncAudience',
      mapping: defaultValues(syncAudience.fields),
      type: 'specificEvent',
      eventSlug: 'warehouse_entity_added_track'
    },
    {
      name: 'Associated Entity Removed',
      partnerAction: 'syncAudience',
      mapping: defaultValues(syncAudience.fields),
      type: 'specificEvent',
      eventSlug: 'warehouse_entity_removed_track'
    },
    {
      name: 'Journeys Step Entered',
      partnerAction: 'syncAudience',
      mapping: defaultValues(syncAudience.fields),
      type: 'specificEvent',
      eventSlug: 'journeys_step_entered_track'
    }
  ]
}

export default destination
