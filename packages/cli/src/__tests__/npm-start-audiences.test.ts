import { spawn } from 'child_process'
import { REPO_ROOT } from '../lib/destinations'
import { bash, pastedCommands } from './__helpers__/pasted'

// `npm start -- --destination iterable-audiences`: the emulator and serve with the audience destination, an audience
// synced in each data center (npm start sends both data centers' origins to its one emulator).

const START = ['-r', 'ts-node/register/transpile-only', 'scripts/start.ts', '--destination', 'iterable-audiences']
const KEY = 'local-emulator-key'

it('syncs an Engage audience to an Iterable list in both data centers', async () => {
  const child = spawn(process.execPath, START, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', EMULATOR_API_KEY: '' }
  })
  try {
    const { serve, emulator, output } = await new Promise<{ serve: string; emulator: string; output: string }>(
      (resolve, reject) => {
        let output = ''
        child.stdout.on('data', (chunk) => {
          output += String(chunk)
          const serve = /serve \(the destination\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          const emulator = /Iterable API emulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (serve && emulator && output.includes('Ctrl-C stops both.'))
            resolve({ serve: serve[1], emulator: emulator[1], output })
        })
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)))
      }
    )
    expect(output).toContain('\nIterable Lists (Actions) is running locally.\n')
    expect(output).toMatch(/Serving Iterable Lists \(Actions\) from .*iterable-audiences/)
    expect(output).toMatch(/Tester page: \S+ \(samples: scripts\/audience-sample-events\.ts\)/)
    // The curl it prints works as pasted: an audience created, a user entering it, the list read back.
    const pasted = pastedCommands(output, /^Or create an audience/)
    expect(pasted).toMatch(/\/createAudience[\s\S]*\/syncAudience[\s\S]*\/api\/lists\/getUsers/)
    const { exitCode, stdout } = await bash(pasted)
    expect(exitCode).toBe(0)
    expect(stdout).toMatch(/^list \d+\n/)
    expect(stdout).toContain('/api/lists/subscribe')
    expect(stdout.endsWith('ada@example.com\n')).toBe(true)
    const post = async (route: string, body: object) =>
      (await fetch(`${serve}/${route}`, { method: 'POST', body: JSON.stringify(body) })).json()

    for (const dataCenterLocation of ['united_states', 'europe']) {
      const settings = { apiKey: KEY, dataCenterLocation, iterableProjectType: 'email' }
      const key = `vip_${dataCenterLocation}`
      const personas = { computation_key: key, computation_id: `aud_${key}`, namespace: 'spa_1' }
      const { externalId } = await post('createAudience', { settings, audienceName: 'VIP', personas })
      expect(externalId).toMatch(/^\d+$/)

      const event = {
        type: 'identify',
        userId: 'user-1815',
        traits: { email: `ada.${dataCenterLocation}@example.com`, [key]: true },
        context: { personas: { computation_key: key, external_audience_id: externalId } }
      }
      const [exchange] = await post('syncAudience', { settings, payload: event })
      expect(exchange.request.url).toBe(`${emulator}/api/lists/subscribe`)
      expect(exchange.response.statusCode).toBe(200)

      const users = await fetch(`${emulator}/api/lists/getUsers?listId=${externalId}`, { headers: { 'Api-Key': KEY } })
      expect(await users.text()).toBe(`ada.${dataCenterLocation}@example.com\n`)
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}, 60_000)
