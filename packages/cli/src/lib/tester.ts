import path from 'path'
import express from 'express'
import type { Response } from 'express'
import { createRequestClient, defaultValues, transform } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { ServedDestination } from './served'
import { rewriteApiUrl } from './api-base-url'
import type { ApiUrlMap } from './api-base-url'
import { samplesByAction } from './samples'
import type { SampleEvent } from './samples'
import { redactDeep } from './redact'

// The local tester page (src/tester/: plain HTML, CSS and JavaScript) and the few routes it needs besides
// upstream's: its configuration, the mapped payload of an event, and the users (and lists) a send was about, read
// back from the API. Its routes start with /_tester/ so that they can never hide an action's.

export const TESTER_DIR = path.join(__dirname, '../tester')

export interface TesterOptions {
  /** The events (or batches) the page offers, each action those its defaultSubscription matches. */
  samples: SampleEvent[]
  /** Settings the page starts with (an emulator's key, say); never a real key, the page shows them. */
  settings?: Record<string, unknown>
  /**
   * URL templates that read back from the API what a send was about: a user, with {email} or {userId} (the first
   * template that a user fills), and a list, with {listId} (the first such template).
   */
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
      // An audience destination: the page offers to create a list (POST /createAudience) and to look one up.
      audience: audienceRoutes(definition),
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

  // What a send was about, read back from the API: `sent` holds each request body the action sent and whether the
  // API accepted it; without `sent`, the users the events name. An empty `sent` (nothing was sent) reads nothing.
  router.post('/_tester/profiles', async (req, res) => {
    const { payload, settings, sent } = (req.body ?? {}) as {
      payload?: unknown
      settings?: Record<string, unknown>
      sent?: unknown
    }
    const secrets = secretsOf(res, settings)
    const subjects = Array.isArray(sent)
      ? sent.flatMap((item: { body?: unknown; accepted?: unknown } | null) =>
          subjectsOfBody(item?.body, item?.accepted === true)
        )
      : ((Array.isArray(payload) ? payload : [payload]) as SegmentEvent[]).map(subjectOfEvent)
    const urls = readBackUrls(options.profileUrls ?? [], followEmailChanges(subjects)).slice(0, 10)
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

/** The audience routes serve mounts for this destination (its audienceConfig's functions), or null. */
function audienceRoutes(definition: ServedDestination['definition']) {
  const config = (definition as { audienceConfig?: Record<string, unknown> }).audienceConfig
  if (!config) return null
  return { create: typeof config.createAudience === 'function', get: typeof config.getAudience === 'function' }
}

/** What a read-back fills its templates with: a user's identifiers, and the list a request changed. */
export interface Subject {
  email?: unknown
  userId?: unknown
  listId?: unknown
  /** The email the user had before the request changed it to `email`. */
  previousEmail?: unknown
}

/** The user of an event, and the list of an Engage audience event (context.personas.external_audience_id). */
export function subjectOfEvent(event: SegmentEvent | undefined): Subject {
  if (!event || typeof event !== 'object') return {}
  return {
    userId: event.userId,
    email: event.traits?.email ?? event.context?.traits?.email ?? event.properties?.email,
    listId: (event.context?.personas as { external_audience_id?: unknown } | undefined)?.external_audience_id
  }
}

/** Where a request body holds several users: a bulk body's users or events, a list's subscribers. */
const MEMBER_LISTS = ['users', 'events', 'subscribers']

/**
 * The users a request body was about (and its list, `listId`), as they are after the request. A body that changes
 * an email (`newEmail`; a user's `dataFields.email` other than its `email`) names the new one when the API accepted
 * it, the current one when it refused it. A user without an email is named by userId.
 */
export function subjectsOfBody(body: unknown, accepted: boolean, listId?: unknown): Subject[] {
  if (typeof body === 'string') {
    try {
      return subjectsOfBody(JSON.parse(body), accepted, listId)
    } catch {
      return []
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return []
  const record = body as Record<string, unknown>
  const list = record.listId ?? listId
  const members = MEMBER_LISTS.map((key) => record[key]).find(Array.isArray) as unknown[] | undefined
  if (members) {
    const subjects = members.flatMap((member) => subjectsOfBody(member, accepted, list))
    return subjects.length > 0 ? subjects : list === undefined ? [] : [{ listId: list }]
  }
  // An event's dataFields are the event's, not its user's.
  const userFields = (record.eventName === undefined && record.dataFields) || {}
  const emailChange = (record.emailChange ?? {}) as Record<string, unknown>
  const newEmail = record.newEmail ?? emailChange.newEmail ?? (userFields as Record<string, unknown>).email
  const current = record.email ?? record.currentEmail ?? emailChange.currentEmail
  const changed = accepted && isFilled(newEmail) && newEmail !== current
  return [
    {
      email: changed ? newEmail : current,
      userId: record.userId ?? record.currentUserId,
      listId: list,
      ...(changed && isFilled(current) && { previousEmail: current })
    }
  ]
}

/** The subjects as they are at the end: a user named by an email that a later request changed has the new one. */
export function followEmailChanges(subjects: readonly Subject[]): Subject[] {
  const renamed = new Map<unknown, unknown>()
  for (const subject of subjects)
    if (subject.previousEmail !== undefined) renamed.set(subject.previousEmail, subject.email)
  const latest = (email: unknown) => {
    const seen = new Set<unknown>()
    while (renamed.has(email) && !seen.has(email)) {
      seen.add(email)
      email = renamed.get(email)
    }
    return email
  }
  return subjects.map((subject) => ({ ...subject, email: latest(subject.email) }))
}

const isFilled = (value: unknown): value is string | number =>
  (typeof value === 'string' && value !== '') || typeof value === 'number'

/** Each subject's user and list, read once each: for a user the first user template it fills, for a list the first list template. */
export function readBackUrls(templates: readonly string[], subjects: readonly Subject[]): string[] {
  const listTemplates = templates.filter((template) => template.includes('{listId}'))
  const userTemplates = templates.filter((template) => !template.includes('{listId}'))
  const lists = subjects.map((subject) => fillFirst(listTemplates, { listId: subject.listId }))
  const users = subjects.map((subject) => fillFirst(userTemplates, { email: subject.email, userId: subject.userId }))
  return [...new Set([...lists, ...users])].filter((url): url is string => url !== undefined)
}

/** The first template whose variables the values have, filled in (URL-encoded); undefined when none fits. */
function fillFirst(templates: readonly string[], values: Record<string, unknown>): string | undefined {
  for (const template of templates) {
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
    if (names.every((name) => isFilled(values[name]))) {
      return template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(values[name])))
    }
  }
  return undefined
}

/** The first template whose variables the event has, filled in (URL-encoded); undefined when none fits. */
export function profileUrl(templates: readonly string[], event: SegmentEvent | undefined): string | undefined {
  return fillFirst(templates, { ...subjectOfEvent(event) })
}
