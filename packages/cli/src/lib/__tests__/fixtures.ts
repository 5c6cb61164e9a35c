import { MultiStatusResponse } from '@segment/actions-core'
import type { DestinationDefinition } from '@segment/actions-core'
import { startServer } from '../server'
import type { RunningServer, ServerOptions } from '../server'

// Test helpers: a small destination built here (so that tests do not depend on the Iterable destination's progress),
// and a served destination on an ephemeral port of 127.0.0.1.

export const FIXTURE_API = 'https://api.iterable.com'

interface FixtureSettings {
  apiKey: string
}

interface FixturePayload {
  email: string
  plan?: string
}

const fields = {
  email: {
    label: 'Email',
    description: 'The user email.',
    type: 'string' as const,
    format: 'email' as const,
    required: true,
    default: { '@path': '$.traits.email' }
  },
  plan: {
    label: 'Plan',
    description: 'The plan.',
    type: 'string' as const,
    default: { '@path': '$.traits.plan' }
  }
}

/** Two actions: `single` has no performBatch; `batched` has one, which answers a status per event. */
export function fixtureDestination(name = 'Fixture'): DestinationDefinition<FixtureSettings> {
  return {
    name,
    slug: 'fixture',
    mode: 'cloud',
    description: 'A destination for tests.',
    authentication: {
      scheme: 'custom',
      fields: {
        apiKey: { label: 'API Key', description: 'The key.', type: 'password', required: true }
      },
      testAuthentication: (request) => request(`${FIXTURE_API}/api/webhooks`)
    },
    extendRequest: ({ settings }) => ({ headers: { 'Api-Key': settings.apiKey } }),
    presets: [
      {
        name: 'Identify Calls',
        subscribe: 'type = "identify"',
        partnerAction: 'single',
        mapping: { email: { '@path': '$.traits.email' } },
        type: 'automatic'
      }
    ],
    actions: {
      single: {
        title: 'Single',
        description: 'Sends one user.',
        defaultSubscription: 'type = "identify"',
        fields,
        perform: (request, { payload }) =>
          request(`${FIXTURE_API}/api/users/update`, { method: 'post', json: payload as FixturePayload })
      },
      batched: {
        title: 'Batched',
        description: 'Sends users in bulk.',
        defaultSubscription: 'type = "identify"',
        fields,
        perform: (request, { payload }) =>
          request(`${FIXTURE_API}/api/users/update`, { method: 'post', json: payload as FixturePayload }),
        performBatch: async (request, { payload }) => {
          const users = payload as FixturePayload[]
          await request(`${FIXTURE_API}/api/users/bulkUpdate`, { method: 'post', json: { users } })
          const statuses = new MultiStatusResponse()
          for (const user of users) {
            if (user.email.endsWith('@rejected.test')) {
              statuses.pushErrorResponse({
                status: 400,
                errortype: 'BAD_REQUEST',
                errormessage: 'invalid email',
                sent: { ...user }
              })
            } else {
              statuses.pushSuccessResponse({ status: 200, sent: { ...user }, body: 'accepted' })
            }
          }
          return statuses
        }
      }
    }
  }
}

/** The settings fields of a destination that has authentication, as the fixture has (for tests to add one). */
export function authenticationFields<Settings>(definition: DestinationDefinition<Settings>) {
  if (!definition.authentication) throw new Error(`${definition.name} has no authentication`)
  return definition.authentication.fields
}

export interface Served extends RunningServer {
  logs: string[]
  post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>
  get: (path: string) => Promise<{ status: number; json: any }>
}

/** Serves `load()` on 127.0.0.1, port 0; requests go over the real socket. */
export async function serve(options: Omit<ServerOptions, 'log'> & { liveReloadPort?: number }): Promise<Served> {
  const logs: string[] = []
  const running = await startServer({ ...options, log: (line) => logs.push(line), port: 0, host: '127.0.0.1' })
  const read = async (response: Response) => {
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : undefined }
  }
  return {
    ...running,
    logs,
    post: async (path, body, headers = { 'content-type': 'application/json' }) =>
      read(
        await fetch(running.url + path, {
          method: 'POST',
          headers,
          body: typeof body === 'string' ? body : JSON.stringify(body)
        })
      ),
    get: async (path) => read(await fetch(running.url + path))
  }
}

/** Log lines are written when the answer finishes; give the event loop a turn before reading them. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 20))
