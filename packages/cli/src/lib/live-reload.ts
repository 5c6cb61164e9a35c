import type { AddressInfo } from 'net'
import { WebSocketServer } from 'ws'

// Upstream's live reload: a WebSocket server on serve's port + 1. Segment's Actions Tester connects to it and, on the
// message `change`, reads GET /manifest again. The local tester page does the same.

export interface LiveReload {
  port: number
  /** Sends `message` to every connected client. */
  broadcast: (message: string) => void
  close: () => Promise<void>
}

export function startLiveReload(port: number, host: string): Promise<LiveReload> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ port, host })
    wss.once('error', reject)
    wss.once('listening', () => {
      wss.off('error', reject)
      resolve({
        port: (wss.address() as AddressInfo).port,
        broadcast: (message) => {
          for (const client of wss.clients) client.send(message)
        },
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate()
            wss.close(() => done())
          })
      })
    })
  })
}
