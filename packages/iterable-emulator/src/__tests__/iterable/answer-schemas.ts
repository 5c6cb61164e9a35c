// Which of `@iterable/api`'s zod schemas an emulated answer must satisfy, by route: the schema Iterable's client
// validates that endpoint's answer with. Error answers must match its error shape. The endpoints the client has no
// schema for (bulkUpdateSubscriptions) are checked against Iterable's Swagger spec in their own tests. The catalog
// reads answer inside `params` (as recorded from Iterable): their schema applies to `params`, as the client reads
// them.

const SUCCESS = 'IterableSuccessResponseSchema'

const ROUTE_SCHEMAS: { method: string; pattern: RegExp; schema: string | undefined; inParams?: boolean }[] = [
  { method: 'GET', pattern: /^\/api\/catalogs$/, schema: 'GetCatalogsResponseSchema', inParams: true },
  {
    method: 'GET',
    pattern: /^\/api\/catalogs\/[^/]+\/fieldMappings$/,
    schema: 'CatalogFieldMappingsResponseSchema',
    inParams: true
  },
  {
    method: 'GET',
    pattern: /^\/api\/catalogs\/[^/]+\/items$/,
    schema: 'GetCatalogItemsResponseSchema',
    inParams: true
  },
  {
    method: 'GET',
    pattern: /^\/api\/catalogs\/[^/]+\/items\/[^/]+$/,
    schema: 'CatalogItemWithPropertiesSchema',
    inParams: true
  },
  { method: 'PUT', pattern: /^\/api\//, schema: SUCCESS },
  { method: 'PATCH', pattern: /^\/api\//, schema: SUCCESS },
  { method: 'POST', pattern: /^\/api\/users\/bulkUpdate$/, schema: 'UserBulkUpdateListResponseSchema' },
  { method: 'POST', pattern: /^\/api\/users\/bulkUpdateSubscriptions$/, schema: undefined },
  { method: 'POST', pattern: /^\/api\/lists\/(un)?subscribe$/, schema: 'UserBulkUpdateListResponseSchema' },
  { method: 'POST', pattern: /^\/api\/lists$/, schema: 'CreateListResponseSchema' },
  { method: 'POST', pattern: /^\/api\/events\/trackBulk$/, schema: 'BulkTrackResponseSchema' },
  { method: 'POST', pattern: /^\/api\//, schema: SUCCESS },
  { method: 'DELETE', pattern: /^\/api\//, schema: SUCCESS },
  { method: 'GET', pattern: /^\/api\/lists$/, schema: 'GetListsResponseSchema' },
  // Plain text; the client turns it into `{ users: [{ email }] }` (see `answerSchemaCheck`).
  { method: 'GET', pattern: /^\/api\/lists\/getUsers$/, schema: 'GetListUsersResponseSchema' },
  { method: 'GET', pattern: /^\/api\/webhooks$/, schema: 'GetWebhooksResponseSchema' },
  { method: 'GET', pattern: /^\/api\/users\/getFields$/, schema: 'GetUserFieldsResponseSchema' },
  { method: 'GET', pattern: /^\/api\/users\//, schema: 'UserResponseSchema' },
  { method: 'GET', pattern: /^\/api\/events\/byUserId\//, schema: 'GetUserEventsByUserIdResponseSchema' },
  { method: 'GET', pattern: /^\/api\/events\//, schema: 'GetUserEventsByEmailResponseSchema' }
]

/** The check of one answer, or undefined when no schema of the client applies (admin routes, 404s, drops). */
export function answerSchemaCheck(
  method: string,
  path: string,
  status: number,
  body: unknown
): { schema: string; value: unknown } | undefined {
  if (!path.startsWith('/api/') || status === 0) return undefined
  // A plain-text or HTML error (an unknown userId, an unknown route) is what the client reports as IterableRawError.
  if (status >= 300)
    return typeof body === 'string' ? undefined : { schema: 'IterableErrorResponseSchema', value: body }
  const route = ROUTE_SCHEMAS.find((candidate) => candidate.method === method && candidate.pattern.test(path))
  if (!route?.schema) return undefined
  if (typeof body === 'string' && route.schema === 'GetListUsersResponseSchema') {
    const users = body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((email) => ({ email }))
    return { schema: route.schema, value: { users } }
  }
  if (route.inParams) {
    const params = typeof body === 'object' && body !== null ? (body as { params?: unknown }).params : undefined
    return { schema: route.schema, value: params }
  }
  return { schema: route.schema, value: body }
}
