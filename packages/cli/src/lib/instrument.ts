import { AsyncLocalStorage } from 'async_hooks'
import { HTTPError } from '@segment/actions-core'
import type { DecoratedResponse, RequestClient } from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'
import { rewriteApiUrl } from './api-base-url'
import type { ApiUrlMap } from './api-base-url'
import { wrapRequestFunctions } from './request-functions'

// serve builds one Destination per load of the definition and runs every request through it, so the exchanges of a
// request cannot be read from the Destination's shared `responses` list (two requests at once would mix theirs).
// Instead every request function the framework hands a request client to (perform, performBatch, onDelete,
// testAuthentication, refreshAccessToken, dynamic fields, hooks, audiences) gets a client that sends URLs of a
// redirected API origin to its local URL and records each response in the store of the serve request that caused
// it. The destination code is not touched.

const recorder = new AsyncLocalStorage<DecoratedResponse[]>()

/** Runs `fn`, and gives what it returned with every response the destination received meanwhile, in order. */
export async function recordResponses<T>(
  fn: () => Promise<T>
): Promise<{ result?: T; error?: unknown; responses: DecoratedResponse[] }> {
  const responses: DecoratedResponse[] = []
  try {
    const result = await recorder.run(responses, fn)
    return { result, responses }
  } catch (error) {
    return { error, responses }
  }
}

/** The definition with every request function's client redirected and recorded; the original is left as it was. */
export function instrument(definition: AnyDestinationDefinition, apiUrls: ApiUrlMap = {}): AnyDestinationDefinition {
  const wrapClient = (request: RequestClient): RequestClient =>
    (async (url: string, options?: Parameters<RequestClient>[1]) => {
      const responses = recorder.getStore()
      try {
        const response = await request(rewriteApiUrl(url, apiUrls), options)
        // The framework's action clients decorate the response with its request; others (testAuthentication) do not.
        if ((response as Partial<DecoratedResponse>).request) responses?.push(response as DecoratedResponse)
        return response
      } catch (error) {
        if (error instanceof HTTPError && (error.response as Partial<DecoratedResponse>)?.request) {
          responses?.push(error.response as DecoratedResponse)
        }
        throw error
      }
    }) as RequestClient
  return wrapRequestFunctions(definition, wrapClient)
}
