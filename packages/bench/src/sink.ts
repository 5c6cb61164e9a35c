import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EVENT_FAILED_UPDATE_LISTS, USER_FAILED_UPDATE_LISTS } from '@local/iterable-emulator/src'

// A loopback HTTP server that answers like Iterable (always success) and counts what it receives. Requests arrive as
// `/<tag>/api/...`: the tag (a scenario run) keeps each run's counts apart, so warm-up traffic is never counted.

/** What one tag received. `bytes` are request-body bytes (headers are not counted). */
export interface Tally {
  requests: number
  bytes: number
  /** Records received: 1 per single-endpoint request, the list length of a bulk body. */
  records: number
  /** Requests per endpoint path, e.g. `{ '/api/users/bulkUpdate': 10 }`. */
  endpoints: Record<string, number>
  /** Requests that came on a connection the sink had not seen before (keep-alive reuses connections). */
  newConnections: number
}

export interface Sink {
  /** `http://127.0.0.1:<port>`; point a destination at `${baseUrl}/${tag}`. */
  baseUrl: string
  tally(tag: string): Tally
  forget(tag: string): void
  close(): Promise<void>
}

const BULK_ENDPOINTS = new Set(['/api/users/bulkUpdate', '/api/events/trackBulk'])

/** Larger bodies are refused (413); far above anything a scenario sends, it only bounds memory. */
const MAX_BODY_BYTES = 1024 * 1024 * 1024

const SUCCESS = JSON.stringify({ msg: '', code: 'Success', params: null })

/** Iterable's 200 answer to a bulk body in which every record was accepted. */
function bulkAnswer(endpoint: string, successCount: number): string {
  const events = endpoint === '/api/events/trackBulk'
  const lists = events ? EVENT_FAILED_UPDATE_LISTS : USER_FAILED_UPDATE_LISTS
  return JSON.stringify({
    successCount,
    failCount: 0,
    invalidEmails: [],
    invalidUserIds: [],
    ...(events && { disallowedEventNames: [] }),
    filteredOutFields: [],
    createdFields: [],
    failedUpdates: Object.fromEntries(lists.map((list) => [list, []]))
  })
}

/**
 * The number of records in a bulk body: ours and upstream send `{users: [...]}` / `{events: [...]}`, the floor a
 * bare array.
 */
function recordsIn(body: unknown): number {
  if (Array.isArray(body)) return body.length
  if (body && typeof body === 'object') {
    const { users, events } = body as { users?: unknown; events?: unknown }
    if (Array.isArray(users)) return users.length
    if (Array.isArray(events)) return events.length
  }
  return 1
}

const emptyTally = (): Tally => ({ requests: 0, bytes: 0, records: 0, endpoints: {}, newConnections: 0 })

export async function startSink(): Promise<Sink> {
  const tallies = new Map<string, Tally>()
  const sockets = new WeakSet<object>()

  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sink')
    const match = /^\/([^/]+)(\/api\/.*)$/.exec(url.pathname)
    if (!match) {
      req.resume()
      answer(res, 404, JSON.stringify({ msg: `No such endpoint: ${url.pathname}`, code: 'NotFound', params: null }))
      return
    }
    const [, tag, endpoint] = match
    const newConnection = !sockets.has(req.socket)
    sockets.add(req.socket)
    const bulk = BULK_ENDPOINTS.has(endpoint)
    const chunks: Buffer[] = []
    let bytes = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > MAX_BODY_BYTES) refused = true
      else if (bulk) chunks.push(chunk)
    })
    req.on('end', () => {
      const tally = tallies.get(tag) ?? emptyTally()
      tallies.set(tag, tally)
      tally.requests++
      if (newConnection) tally.newConnections++
      tally.bytes += bytes
      tally.endpoints[endpoint] = (tally.endpoints[endpoint] ?? 0) + 1
      if (refused) {
        answer(res, 413, JSON.stringify({ msg: 'Body too large', code: 'BadParams', params: null }))
        return
      }
      if (!bulk) {
        tally.records++
        answer(res, 200, SUCCESS)
        return
      }
      let records: number
      try {
        records = recordsIn(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      } catch {
        answer(res, 400, JSON.stringify({ msg: 'Invalid JSON body', code: 'BadJsonBody', params: null }))
        return
      }
      tally.records += records
      answer(res, 200, bulkAnswer(endpoint, records))
    })
  }

  const server = createServer(handle)
  // Scenarios send sequentially with pauses (mapping a large batch takes seconds): keep connections open meanwhile.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    tally: (tag) => {
      const tally = tallies.get(tag) ?? emptyTally()
      return { ...tally, endpoints: { ...tally.endpoints } }
    },
    forget: (tag) => {
      tallies.delete(tag)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
