import path from 'path'
import express from 'express'
import type { Response } from 'express'
import { createRequestClient, defaultValues, transform } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { ServedDestination } from './served'
import { rewriteApiUrl } from './api-base-url'
import type { ApiUrlMap } from './api-base-url'
import { samplesByAction } from './samples'
import { redactDeep } from './redact'

// The local tester page (src/tester/: plain HTML, CSS and JavaScript) and the few routes it needs besides
// upstream's: its configuration, the mapped payload of an event, and the user's profile read back from the API.
// Its routes start with /_tester/ so that they can never hide an action's.

export const TESTER_DIR = path.join(__dirname, '../tester')

export interface TesterOptions {
  /** The events the page offers, each action those its defaultSubscription matches. */
  samples: SegmentEvent[]
  /** Settings the page starts with (an emulator's key, say); never a real key, the page shows them. */
  settings?: Record<string, unknown>
  /** URL templates that read a user back from the API, with {userId} or {email}; the first one an event fills. */
  profileUrls?: string[]
  /** The API redirects of serve, which the profile reads follow too. */
  apiUrls?: ApiUrlMap
  /** The live-reload WebSocket's port, once it listens. */
  liveReloadPort?: () => number | undefined
}

type SecretsOf = (res: Response, settings: unknown, auth?: unknown) => string[]

export function testerRouter(served: ServedDestination, options: TesterOptions, secretsOf: SecretsOf): express.Router {
  const router = express.Router()

  router.get('/', (_req, res) => res.sendFile(path.join(TESTER_DIR, 'index.html')))
  router.use('/_tester', express.static(TESTER_DIR, { index: false }))

  router.get('/_tester/config', (_req, res) => {
    const { definition } = served
    res.json({
      name: definition.name,
      liveReloadPort: options.liveReloadPort?.() ?? null,
      settings: options.settings ?? {},
      canReadProfiles: (options.profileUrls ?? []).length > 0,
      actions: Object.fromEntries(
        Object.entries(definition.actions).map(([slug, action]) => [
          slug,
          {
            batch: typeof action.performBatch === 'function',
            // An action with sync modes (Reverse ETL) shows its default one, where Segment keeps the mode chosen.
            defaultMapping: {
              ...defaultValues(action.fields),
              ...(action.syncMode && { __segment_internal_sync_mode: action.syncMode.default })
            }
          }
        ])
      ),
      samples: samplesByAction(definition, options.samples)
    })
  })

  // What the action receives after mapping (the framework's transform), one payload per event.
  router.post('/_tester/map', (req, res) => {
    const { payload, mapping } = (req.body ?? {}) as { payload?: unknown; mapping?: unknown }
    const events = (Array.isArray(payload) ? payload : [payload]) as SegmentEvent[]
    try {
      res.json({ payloads: events.map((event) => transform((mapping ?? {}) as JSONObject, event as never)) })
    } catch (error) {
      res.status(400).json({ error: `The mapping does not apply: ${(error as Error).message}` })
    }
  })

  router.post('/_tester/profiles', async (req, res) => {
    const { payload, settings } = (req.body ?? {}) as { payload?: unknown; settings?: Record<string, unknown> }
    const secrets = secretsOf(res, settings)
    const events = (Array.isArray(payload) ? payload : [payload]) as SegmentEvent[]
    const urls = [...new Set(events.map((event) => profileUrl(options.profileUrls ?? [], event)))]
      .filter((url): url is string => url !== undefined)
      .slice(0, 10)
    const requestOptions = served.definition.extendRequest?.({ settings: settings ?? {}, payload: undefined } as never)
    const request = createRequestClient(requestOptions ?? {})
    const profiles = await Promise.all(
      urls.map(async (url) => {
        const sentTo = rewriteApiUrl(url, options.apiUrls ?? {})
        try {
          const response = await request(sentTo, { throwHttpErrors: false })
          return { url: sentTo, statusCode: response.status, body: response.data ?? response.content }
        } catch (error) {
          return { url: sentTo, error: (error as Error).message }
        }
      })
    )
    res.json(redactDeep({ profiles }, secrets))
  })

  return router
}

/** The first template whose variables the event has, filled in (URL-encoded); undefined when none fits. */
export function profileUrl(templates: readonly string[], event: SegmentEvent | undefined): string | undefined {
  if (!event || typeof event !== 'object') return undefined
  const values: Record<string, unknown> = {
    userId: event.userId,
    email: event.traits?.email ?? event.context?.traits?.email ?? event.properties?.email
  }
  for (const template of templates) {
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
    if (names.every((name) => typeof values[name] === 'string' && values[name] !== '')) {
      return template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(values[name])))
    }
  }
  return undefined
}
