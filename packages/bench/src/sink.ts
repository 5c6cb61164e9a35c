import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A loopback server that answers like Iterable (everything accepted) and counts what each run sends it. A run's
// requests arrive as `/<tag>/api/...`, so runs sharing the sink are counted apart.

/** Body bytes (headers are not counted), and records: 1 per single request, the list's length in a bulk body. */
export type Tally = { requests: number; bytes: number; records: number; largestBody: number }

/** `baseUrl` is `http://127.0.0.1:<port>`: send a run's requests to `${baseUrl}/${tag}`. */
export type Sink = { baseUrl: string; tally(tag: string): Tally; close(): Promise<void> }

const SUCCESS = JSON.stringify({ msg: '', code: 'Success', params: null })

const empty = (): Tally => ({ requests: 0, bytes: 0, records: 0, largestBody: 0 })

export async function startSink(): Promise<Sink> {
  const tallies = new Map<string, Tally>()
  const count = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const tag = (req.url ?? '').split('/')[1]
    const tally = tallies.get(tag) ?? empty()
    tallies.set(tag, tally)
    // A bulk body is `{ users: [...] }` or `{ events: [...] }`; any other body is one user or event.
    const { users, events } = JSON.parse(body.toString('utf8') || '{}') as { users?: unknown[]; events?: unknown[] }
    const records = (users ?? events)?.length ?? 1
    tally.requests++
    tally.bytes += body.length
    tally.records += records
    tally.largestBody = Math.max(tally.largestBody, body.length)
    const bulk = /\/(bulkUpdate|trackBulk)$/.test(req.url ?? '')
    const answer = bulk ? JSON.stringify({ successCount: records, failCount: 0, failedUpdates: {} }) : SUCCESS
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer)
  }
  // A request that cannot be counted (its body is not JSON) is answered 500 with the reason.
  const server = createServer((req, res) => {
    count(req, res).catch((error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message))
  })
  // Mapping a large batch takes seconds between requests: keep the connections open meanwhile.
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tally: (tag) => ({ ...(tallies.get(tag) ?? empty()) }),
    close: () => new Promise((resolve) => server.close(() => resolve()).closeAllConnections())
  }
}
