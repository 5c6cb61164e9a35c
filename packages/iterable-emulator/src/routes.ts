import { ok } from './answers'
import type { Answer } from './answers'
import type { Context } from './context'
import * as catalogs from './resources/catalogs'
import * as commerce from './resources/commerce'
import * as devices from './resources/devices'
import * as events from './resources/events'
import * as lists from './resources/lists'
import * as subscriptions from './resources/subscriptions'
import * as users from './resources/users'

// Iterable's routes the emulator serves, each to its resource's handler.

export interface Request {
  params: string[]
  query: URLSearchParams
  body: unknown
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** As Iterable's documentation writes it, e.g. `/api/users/{email}`; also the rate-limit key. */
  template: string
  pattern: RegExp
  /** Whether the route reads a JSON body: POST, PUT and PATCH do, unless said otherwise; DELETE only when said. */
  hasBody: boolean
  handle: (ctx: Context, request: Request) => Answer
}

function route(
  method: Route['method'],
  template: string,
  handle: Route['handle'],
  hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH'
): Route {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`)
  return { method, template, pattern, hasBody, handle }
}

const param = (request: Request, index = 0) => request.params[index] ?? ''

/** The key check of Segment's destination: a project without webhooks. */
const getWebhooks = (): Answer => ok({ webhooks: [] })

// More specific paths first: `/api/users/byUserId/x` is not the user whose email is "byUserId".
export const ROUTES: Route[] = [
  route('POST', '/api/users/update', (ctx, { body }) => users.updateUser(ctx, body)),
  route('POST', '/api/users/bulkUpdate', (ctx, { body }) => users.bulkUpdateUsers(ctx, body)),
  route('POST', '/api/users/updateEmail', (ctx, { body }) => users.updateEmail(ctx, body)),
  route('POST', '/api/users/forget', (ctx, { body }) => users.forgetUser(ctx, body)),
  route('POST', '/api/users/updateSubscriptions', (ctx, { body }) => subscriptions.updateSubscriptions(ctx, body)),
  route('POST', '/api/users/bulkUpdateSubscriptions', (ctx, { body }) =>
    subscriptions.bulkUpdateSubscriptions(ctx, body)
  ),
  route('POST', '/api/users/registerDeviceToken', (ctx, { body }) => devices.registerDeviceToken(ctx, body)),
  route('POST', '/api/users/registerBrowserToken', (ctx, { body }) => devices.registerBrowserToken(ctx, body)),
  route('POST', '/api/events/track', (ctx, { body }) => events.trackEvent(ctx, body)),
  route('POST', '/api/events/trackBulk', (ctx, { body }) => events.trackBulk(ctx, body)),
  route('POST', '/api/commerce/trackPurchase', (ctx, { body }) => commerce.trackPurchase(ctx, body)),
  route('POST', '/api/commerce/updateCart', (ctx, { body }) => commerce.updateCart(ctx, body)),
  route('GET', '/api/lists', (ctx) => lists.getLists(ctx)),
  route('POST', '/api/lists', (ctx, { body }) => lists.createList(ctx, body)),
  route('GET', '/api/lists/getUsers', (ctx, { query }) => lists.getListUsers(ctx, query)),
  route('POST', '/api/lists/subscribe', (ctx, { body }) => lists.subscribe(ctx, body)),
  route('POST', '/api/lists/unsubscribe', (ctx, { body }) => lists.unsubscribe(ctx, body)),
  route('DELETE', '/api/lists/{listId}', (ctx, request) => lists.deleteList(ctx, param(request))),
  route('GET', '/api/catalogs', (ctx, { query }) => catalogs.getCatalogs(ctx, query)),
  // Creating a catalog takes no body.
  route('POST', '/api/catalogs/{catalogName}', (ctx, request) => catalogs.createCatalog(ctx, param(request)), false),
  route('DELETE', '/api/catalogs/{catalogName}', (ctx, request) => catalogs.deleteCatalog(ctx, param(request))),
  route('GET', '/api/catalogs/{catalogName}/fieldMappings', (ctx, request) =>
    catalogs.getFieldMappings(ctx, param(request))
  ),
  route('PUT', '/api/catalogs/{catalogName}/fieldMappings', (ctx, request) =>
    catalogs.updateFieldMappings(ctx, param(request), request.body)
  ),
  route('GET', '/api/catalogs/{catalogName}/items', (ctx, request) =>
    catalogs.getItems(ctx, param(request), request.query)
  ),
  route('POST', '/api/catalogs/{catalogName}/items', (ctx, request) =>
    catalogs.bulkUpsertItems(ctx, param(request), request.body)
  ),
  // The bulk delete names its items in a body.
  route(
    'DELETE',
    '/api/catalogs/{catalogName}/items',
    (ctx, request) => catalogs.bulkDeleteItems(ctx, param(request), request.body),
    true
  ),
  route('GET', '/api/catalogs/{catalogName}/items/{itemId}', (ctx, request) =>
    catalogs.getItem(ctx, param(request), param(request, 1))
  ),
  route('PUT', '/api/catalogs/{catalogName}/items/{itemId}', (ctx, request) =>
    catalogs.replaceItem(ctx, param(request), param(request, 1), request.body)
  ),
  route('PATCH', '/api/catalogs/{catalogName}/items/{itemId}', (ctx, request) =>
    catalogs.updateItem(ctx, param(request), param(request, 1), request.body)
  ),
  route('DELETE', '/api/catalogs/{catalogName}/items/{itemId}', (ctx, request) =>
    catalogs.deleteItem(ctx, param(request), param(request, 1))
  ),
  route('GET', '/api/webhooks', () => getWebhooks()),
  route('GET', '/api/users/getFields', (ctx) => users.getUserFields(ctx)),
  route('GET', '/api/users/getByEmail', (ctx, { query }) => users.getUserByEmail(ctx, query.get('email') ?? '')),
  route('GET', '/api/users/byUserId', (ctx, { query }) => users.getUserByUserId(ctx, query.get('userId') ?? '')),
  route('GET', '/api/users/byUserId/{userId}', (ctx, request) => users.getUserByUserId(ctx, param(request))),
  route('DELETE', '/api/users/byUserId/{userId}', (ctx, request) => users.deleteUserByUserId(ctx, param(request))),
  route('GET', '/api/users/{email}', (ctx, request) => users.getUserByEmail(ctx, param(request))),
  route('DELETE', '/api/users/{email}', (ctx, request) => users.deleteUserByEmail(ctx, param(request))),
  route('GET', '/api/events/byUserId/{userId}', (ctx, request) =>
    events.getEventsByUserId(ctx, param(request), request.query)
  ),
  route('GET', '/api/events/{email}', (ctx, request) => events.getEventsByEmail(ctx, param(request), request.query))
]

export function findRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue
    const match = candidate.pattern.exec(path)
    if (!match) continue
    try {
      return { route: candidate, params: match.slice(1).map(decodeURIComponent) }
    } catch {
      return { route: candidate, params: match.slice(1) }
    }
  }
  return undefined
}
