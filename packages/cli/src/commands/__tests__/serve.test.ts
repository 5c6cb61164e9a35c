import { spawn } from 'child_process'
import type { ChildProcessWithoutNullStreams } from 'child_process'
import { promises as fs } from 'fs'
import net from 'net'
import path from 'path'
import WebSocket from 'ws'
import { DESTINATIONS_DIR, REPO_ROOT } from '../../lib/destinations'
import { runBin, temporaryCopy } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

// `./bin/run serve` as a user runs it: the ports it takes (PORT, and PORT + 1 for the live-reload WebSocket), and a
// file change reaching the WebSocket's clients as `change`, as upstream's Actions Tester expects.

const unwrapped = (text: string) => text.replace(/\s*\n\s*›\s*/g, ' ')

/** Listens on a free port of 127.0.0.1 (or the one given), standing for another program that holds it. */
function holdPort(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port
const release = (server: net.Server) => new Promise((resolve) => server.close(resolve))

describe('serve, ports in use', () => {
  it('fails at once when PORT is taken, naming the port and PORT', async () => {
    const other = await holdPort()
    try {
      const { exitCode, stderr, stdout } = await runBin(['serve', '--destination', 'iterable', '--no-watch'], {
        PORT: String(portOf(other))
      })
      expect(exitCode).toBe(1)
      expect(unwrapped(stderr)).toContain(
        `Port ${portOf(other)} is in use on 127.0.0.1: stop the other server, or choose another port with PORT=<port>.`
      )
      expect(stdout).not.toContain('Listening at')
    } finally {
      await release(other)
    }
  })

  it('fails when PORT + 1 (the live-reload WebSocket) is taken, naming it', async () => {
    // A held port whose predecessor is free, for serve to take it and then find the WebSocket's taken.
    let other = await holdPort()
    for (;;) {
      const before = await holdPort(portOf(other) - 1).catch(() => undefined)
      if (before) {
        await release(before)
        break
      }
      await release(other)
      other = await holdPort()
    }
    try {
      const { exitCode, stderr } = await runBin(['serve', '--destination', 'iterable'], {
        PORT: String(portOf(other) - 1)
      })
      expect(exitCode).toBe(1)
      expect(unwrapped(stderr)).toContain(
        `Port ${portOf(
          other
        )} is in use on 127.0.0.1, and serve's live-reload WebSocket takes the port after serve's own (PORT + 1): stop the other server, choose another port with PORT=<port> (the WebSocket then takes <port> + 1), or serve without live reload with --no-watch.`
      )
    } finally {
      await release(other)
    }
  })
})

describe('serve, live reload', () => {
  let copy: { dir: string; remove: () => Promise<void> }
  let child: ChildProcessWithoutNullStreams

  beforeAll(async () => {
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable'))
  })
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await copy.remove()
  })

  it('says "change" on the WebSocket of PORT + 1 when a file of the destination changes', async () => {
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run'), 'serve', '--destination', copy.dir], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0' }
    })
    const { url, socketUrl } = await new Promise<{ url: string; socketUrl: string }>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk) => {
        output += String(chunk)
        const http = /Listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        const ws = /live reload on (ws:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (http && ws) resolve({ url: http[1], socketUrl: ws[1] })
      })
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
    })
    const socket = new WebSocket(socketUrl)
    await new Promise((resolve) => socket.once('open', resolve))
    try {
      const changed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
      // The watcher may still be reading the folder: edit again until it reports.
      const index = path.join(copy.dir, 'index.ts')
      let received = false
      void changed.then(() => (received = true))
      for (let edit = 1; !received; edit++) {
        await fs.appendFile(index, `\n// edit ${edit}\n`)
        await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 500))])
      }
      expect(await changed).toBe('change')
      expect((await (await fetch(`${url}/manifest`)).json()).name).toBe('Iterable (Actions)')
    } finally {
      socket.close()
    }
  })
})

/** Starts `./bin/run serve` on free ports; resolves with its URLs once it listens and watches. */
function startServe(
  args: string[]
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; socketUrl: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run'), 'serve', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0' }
  })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += String(chunk)
      const http = /Listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      const ws = /live reload on (ws:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (http && ws) resolve({ child, url: http[1], socketUrl: ws[1] })
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
  })
}

describe('serve, live reload of a module imported from a sibling folder', () => {
  let copy: { dir: string; remove: () => Promise<void> }
  let child: ChildProcessWithoutNullStreams | undefined

  beforeAll(async () => {
    // iterable-audiences imports ../iterable/iterable-api.ts (its settings, its requests): copied beside it.
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable-audiences'))
    await fs.cp(path.join(DESTINATIONS_DIR, 'iterable'), path.join(path.dirname(copy.dir), 'iterable'), {
      recursive: true,
      filter: (file) => !/__tests__|__snapshots__/.test(file)
    })
  })
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await copy.remove()
  })

  it('reloads iterable-audiences when ../iterable/iterable-api.ts changes, and serves the edited module', async () => {
    const started = await startServe(['--destination', copy.dir])
    child = started.child
    const socket = new WebSocket(started.socketUrl)
    await new Promise((resolve) => socket.once('open', resolve))
    const apiKeyLabel = async () =>
      (await (await fetch(`${started.url}/manifest`)).json()).authentication.fields.apiKey.label as string
    try {
      expect(await apiKeyLabel()).toBe('API Key')
      const api = path.join(path.dirname(copy.dir), 'iterable', 'iterable-api.ts')
      const original = await fs.readFile(api, 'utf8')
      expect(original).toContain("label: 'API Key',")
      const changed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
      let received = false
      void changed.then(() => (received = true))
      // The watcher may still be reading the files: edit again until it reports.
      for (let edit = 1; !received && edit <= 40; edit++) {
        await fs.writeFile(api, original.replace("label: 'API Key',", `label: 'API Key (edit ${edit})',`))
        await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 500))])
      }
      expect(received).toBe(true)
      expect(await changed).toBe('change')
      expect(await apiKeyLabel()).toMatch(/^API Key \(edit \d+\)$/)
    } finally {
      socket.close()
    }
  })
})

describe('serve --help', () => {
  it('gives examples that name a destination (the repository has two)', async () => {
    const { exitCode, stdout } = await runBin(['serve', '--help'])
    expect(exitCode).toBe(0)
    const examples = stdout.slice(stdout.indexOf('EXAMPLES')).split('\n')
    const serves = examples.filter((line) => line.includes('./bin/run serve'))
    expect(serves.length).toBeGreaterThan(0)
    for (const line of serves) expect(line).toMatch(/--destination iterable/)
    expect(serves[0].trim()).toBe('$ ./bin/run serve --destination iterable')
  })
})
