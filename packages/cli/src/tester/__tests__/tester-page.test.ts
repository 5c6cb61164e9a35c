import { existsSync, mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { sampleEvents } from '../../../../../scripts/sample-events'
import { BASE_URLS } from '../../../../destination-actions/src/destinations/iterable/iterable-api'
import { startEmulator } from '../../../../iterable-emulator/src'
import type { Emulator } from '../../../../iterable-emulator/src'
import { loadDestination, resolveDestinationDir } from '../../lib/destinations'
import { startServer } from '../../lib/server'
import type { RunningServer } from '../../lib/server'

// The tester page in a real headless Chromium (Debian's chromium package, which .ci/run installs), as a new user
// opens it after `npm start`: serve runs the Iterable destination against the emulator, the page sends an identify
// and a batch, and the test reads what the page shows.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const API_KEY = 'browser-test-key-6a2f8d4c1e9b'

// CI installs Chromium and runs these always; on a machine without it they are skipped, saying how to install it.
const inBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip

inBrowser(
  `the tester page in Chromium (${existsSync(CHROMIUM) ? CHROMIUM : 'not installed: apt-get install -y chromium'})`,
  () => {
    let emulator: Emulator
    let serve: RunningServer
    let context: BrowserContext
    let page: Page
    let profileDir: string

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`)
      }
      emulator = await startEmulator({
        port: 0,
        host: '127.0.0.1',
        apiKey: API_KEY,
        rateLimits: false,
        faults: {},
        createNewFields: true,
        disallowedEventNames: [],
        forgottenEmails: [],
        forgottenUserIds: []
      })
      // As `npm start` runs serve (scripts/start.ts), on free ports.
      const apiUrls = Object.fromEntries(Object.values(BASE_URLS).map((origin) => [origin, emulator.url]))
      serve = await startServer({
        load: () => loadDestination(resolveDestinationDir('iterable')),
        directoryName: 'iterable',
        apiUrls,
        log: () => undefined,
        port: 0,
        host: '127.0.0.1',
        liveReloadPort: 0,
        tester: {
          samples: sampleEvents,
          settings: { apiKey: API_KEY },
          profileUrls: [`${BASE_URLS.united_states}/api/users/{email}`],
          apiUrls
        }
      })
      profileDir = mkdtempSync(path.join(os.tmpdir(), 'tester-chromium-'))
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync'
        ],
        viewport: { width: 1280, height: 900 }
      })
      page = await context.newPage()
      await page.goto(`${serve.url}/`)
      await page.waitForSelector('body[data-ready="true"]')
    }, 60_000)

    afterAll(async () => {
      await context?.close()
      await Promise.allSettled([serve?.close(), emulator?.close()])
      if (profileDir) rmSync(profileDir, { recursive: true, force: true })
    })

    const text = (selector: string) => page.locator(selector).innerText()

    async function chooseSample(startingWith: string) {
      const value = await page.$eval(
        '#sample',
        (select, prefix) =>
          [...(select as HTMLSelectElement).options].find((option) => option.text.startsWith(prefix))?.value,
        startingWith
      )
      if (value === undefined) throw new Error(`No sample starts with "${startingWith}"`)
      await page.selectOption('#sample', value)
    }

    async function sendAndWait() {
      await page.evaluate(() => {
        for (const id of ['exchanges-panel', 'profiles-panel']) {
          const panel = document.getElementById(id)
          if (!panel) throw new Error(`The page has no #${id}`)
          panel.hidden = true
        }
      })
      await page.click('#send')
      await page.waitForSelector('#profiles-panel:not([hidden])')
    }

    it('sends an identify: shows the mapped payload, the request with Api-Key redacted, the answer, the profile', async () => {
      expect(await page.title()).toBe('Iterable (Actions): tester')
      await page.selectOption('#action', 'updateUser')
      await chooseSample('identify')
      expect(JSON.parse(await page.inputValue('#mapping'))).toMatchObject({ email: { '@path': '$.traits.email' } })
      await sendAndWait()

      expect(await text('#status')).toBe('Sent: 1 request to the API.')
      expect(JSON.parse(await text('#mapped'))).toMatchObject({ email: 'ada@example.com', userId: 'user-1815' })
      const exchange = await text('#exchanges')
      expect(exchange).toContain(`POST ${emulator.url}/api/users/update`)
      expect(exchange).toMatch(/api-key\s+<redacted>/)
      expect(exchange).toContain('Response 200 OK')
      expect(exchange).toContain('"code": "Success"')
      const profile = await text('#profiles')
      expect(profile).toContain(`GET ${emulator.url}/api/users/ada%40example.com`)
      expect(profile).toContain('"firstName": "Ada"')
      expect(await page.locator('body').innerText()).not.toContain(API_KEY)
    })

    it('sends a batch: each event gets its own status, and each user is read back', async () => {
      await page.selectOption('#action', 'trackEvent')
      await chooseSample('batch')
      const events = JSON.parse(await page.inputValue('#event'))
      expect(events).toHaveLength(3)
      await sendAndWait()

      expect(await text('#status')).toBe('2 of 3 events accepted, 1 refused; 1 request to the API.')
      const rows = await page.locator('#events tbody tr').allInnerTexts()
      expect(rows.map((row) => row.split('\t').slice(0, 2))).toEqual([
        ['0', '200'],
        ['1', '200'],
        ['2', '400']
      ])
      expect(rows[2]).toMatch(/PAYLOAD_VALIDATION_FAILED: .*email/)
      expect(await text('#exchanges')).toContain(`POST ${emulator.url}/api/events/trackBulk`)
      const profiles = await page.locator('#profiles .profile h3').allInnerTexts()
      expect(profiles).toEqual([
        `GET ${emulator.url}/api/users/ada%40example.com`,
        `GET ${emulator.url}/api/users/ada%2B2%40example.com`
      ])
      // For the CLI README: TESTER_SCREENSHOT=packages/cli/tester-page.png npx jest packages/cli/src/tester
      if (process.env.TESTER_SCREENSHOT) {
        await page.evaluate(() => window.scrollTo(0, 0))
        await page.screenshot({ path: process.env.TESTER_SCREENSHOT })
      }
    })

    it('starts each setting at its default, and one without a default unset', async () => {
      expect(await page.inputValue('#setting-iterableProjectType')).toBe('')
      expect(await page.inputValue('#setting-dataCenterLocation')).toBe('united_states')
    })

    it("checks the settings with the destination's authentication test", async () => {
      await page.click('#authenticate')
      await page.waitForFunction(
        () => document.getElementById('status')?.textContent?.startsWith('The settings are') ?? false
      )
      expect(await text('#status')).toBe('The settings are accepted.')
      await page.fill('#setting-apiKey', 'not-the-emulator-key')
      await page.click('#authenticate')
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('refused') ?? false)
      expect(await text('#status')).toMatch(/^The settings are refused: .+/)
      expect(await text('#status')).not.toContain('not-the-emulator-key')
      await page.fill('#setting-apiKey', API_KEY)
    })

    it('reads the destination again when serve says it reloaded', async () => {
      expect(await text('#reloaded')).toBe('')
      serve.reload()
      await page.waitForFunction(
        () => document.getElementById('reloaded')?.textContent?.startsWith('Reloaded at') ?? false
      )
      expect(await page.inputValue('#action')).toBe('trackEvent')
    })
  }
)
