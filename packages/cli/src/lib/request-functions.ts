import type { RequestClient } from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'

// Every function of a definition to which the framework hands a request client as first argument: perform,
// performBatch, onDelete, testAuthentication, refreshAccessToken, dynamic fields, hooks, audiences.

type AnyFunction = (...args: never[]) => unknown
type Fields = Record<string, { dynamic?: unknown }>

/** The definition with `wrapClient` applied to the client of each request function; the original is left as it was. */
export function wrapRequestFunctions(
  definition: AnyDestinationDefinition,
  wrapClient: (request: RequestClient) => RequestClient
): AnyDestinationDefinition {
  // Every request function of the framework takes the request client as its first argument.
  const wrap = <F>(fn: F): F =>
    (typeof fn === 'function'
      ? (request: RequestClient, ...rest: unknown[]) =>
          (fn as unknown as (...args: unknown[]) => unknown)(wrapClient(request), ...rest)
      : fn) as F
  const wrapDynamic = <T extends Fields | undefined>(fields: T): T =>
    (fields &&
      Object.fromEntries(
        Object.entries(fields).map(([key, field]) => [key, { ...field, dynamic: wrap(field.dynamic) }])
      )) as T
  const wrapValues = <T extends Record<string, unknown> | undefined>(functions: T): T =>
    (functions && Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, wrap(fn as AnyFunction)]))) as T

  const actions = Object.fromEntries(
    Object.entries(definition.actions).map(([key, action]) => [
      key,
      {
        ...action,
        perform: wrap(action.perform),
        performBatch: wrap(action.performBatch),
        dynamicFields: wrapValues(action.dynamicFields as Record<string, unknown> | undefined),
        hooks:
          action.hooks &&
          Object.fromEntries(
            Object.entries(action.hooks).map(([name, hook]) => [
              name,
              hook && {
                ...hook,
                performHook: wrap(hook.performHook),
                inputFields: wrapDynamic(hook.inputFields as Fields | undefined)
              }
            ])
          )
      }
    ])
  ) as AnyDestinationDefinition['actions']
  const wrapped: AnyDestinationDefinition & { audienceConfig?: Record<string, unknown> } = {
    ...definition,
    actions,
    onDelete: wrap(definition.onDelete)
  }
  if (definition.authentication) {
    const authentication = definition.authentication as typeof definition.authentication & {
      refreshAccessToken?: unknown
    }
    wrapped.authentication = {
      ...authentication,
      testAuthentication: wrap(authentication.testAuthentication),
      ...(authentication.refreshAccessToken !== undefined && {
        refreshAccessToken: wrap(authentication.refreshAccessToken)
      })
    } as typeof definition.authentication
  }
  const audienceConfig = (definition as { audienceConfig?: Record<string, unknown> }).audienceConfig
  if (audienceConfig) {
    wrapped.audienceConfig = {
      ...audienceConfig,
      createAudience: wrap(audienceConfig.createAudience),
      getAudience: wrap(audienceConfig.getAudience)
    }
  }
  return wrapped
}
