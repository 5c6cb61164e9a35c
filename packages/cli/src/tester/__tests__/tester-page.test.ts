import { existsSync, mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { sampleEvents } from '../../../../../scripts/sample-events'
import { sampleEvents as audienceSamples } from '../../../../../scripts/audience-sample-events'
import { BASE_URLS } from '../../../../destination-actions/src/destinations/iterable/iterable-api'
import { startEmulator } from '../../../../iterable-emulator/src'
import type { Emulator } from '../../../../iterable-emulator/src'
import { loadDestination, resolveDestinationDir } from '../../lib/destinations'
import { startServer } from '../../lib/server'
import type { RunningServer } from '../../lib/server'

// The tester page in a real headless Chromium (Debian's chromium package, which .ci/run installs), as a new user
// opens it after `npm start`: serve runs the Iterable destination against the emulator, the page sends an identify,
// a batch, a refused event and an email change, and the test reads what the page shows, at a desktop's width and at
// 400 px; then the audience destination: a list created from the page, Engage's events sent to it, read back.
// TESTER_SCREENSHOTS=<dir> saves what the page shows at each step, at both widths, as PNGs in <dir>.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const API_KEY = 'browser-test-key-6a2f8d4c1e9b'
const DESKTOP = { width: 1280, height: 900 }
const NARROW = { width: 400, height: 900 }

// CI installs Chromium and runs these always; on a machine without it they are skipped, saying how to install it.
const inBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip

inBrowser(
  `the tester page in Chromium (${existsSync(CHROMIUM) ? CHROMIUM : 'not installed: apt-get install -y chromium'})`,
  () => {
    let emulator: Emulator
    let serve: RunningServer
    let audienceServe: RunningServer
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
      // As `npm start` runs serve (scripts/start.ts), on free ports; the list read back too for the audiences.
      const apiUrls = Object.fromEntries(Object.values(BASE_URLS).map((origin) => [origin, emulator.url]))
      const profileUrls = [
        `${BASE_URLS.united_states}/api/lists/getUsers?listId={listId}`,
        `${BASE_URLS.united_states}/api/users/{email}`,
        `${BASE_URLS.united_states}/api/users/byUserId/{userId}`
      ]
      const served = (directoryName: string, samples: typeof audienceSamples) =>
        startServer({
          load: () => loadDestination(resolveDestinationDir(directoryName)),
          directoryName,
          apiUrls,
          log: () => undefined,
          port: 0,
          host: '127.0.0.1',
          liveReloadPort: 0,
          tester: { samples, settings: { apiKey: API_KEY }, profileUrls, apiUrls }
        })
      serve = await served('iterable', sampleEvents)
      audienceServe = await served('iterable-audiences', audienceSamples)
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
        viewport: DESKTOP
      })
      page = await context.newPage()
      await page.goto(`${serve.url}/`)
      await page.waitForSelector('body[data-ready="true"]')
    }, 60_000)

    afterAll(async () => {
      await context?.close()
      await Promise.allSettled([serve?.close(), audienceServe?.close(), emulator?.close()])
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

    /** With TESTER_SCREENSHOTS=<dir>: the whole page as it is now, at the width it has, in <dir>/<name>-<width>.png. */
    async function screenshot(name: string, on: Page = page) {
      const dir = process.env.TESTER_SCREENSHOTS
      if (!dir) return
      // The window is made as tall as the page for the shot: Chromium's full-page capture can leave what lies below the
      // window blank at narrow widths.
      const viewport = on.viewportSize() ?? { width: 1280, height: 800 }
      const height = await on.evaluate(() => document.documentElement.scrollHeight)
      await on.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) })
      await on.screenshot({ path: path.join(dir, `${name}-${viewport.width}.png`) })
      await on.setViewportSize(viewport)
    }

    /** How far the page is wider than the window (0: no horizontal scrolling). */
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

    /** The event in the page's editor, changed by `edit`. */
    async function editEvent(edit: (event: { event?: string; traits: Record<string, unknown> }) => void) {
      const event = JSON.parse(await page.inputValue('#event')) as { event?: string; traits: Record<string, unknown> }
      edit(event)
      await page.fill('#event', JSON.stringify(event, null, 2))
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

    it("shows a failure's message first, whole and wrapped, the field it names, the stack in a closed <details>", async () => {
      await page.selectOption('#action', 'trackEvent')
      await chooseSample('track "Article Bookmarked"')
      await editEvent((event) => {
        event.event = ''
      })
      await sendAndWait()

      expect(await text('#status')).toBe('The action failed with 400; 0 requests to the API.')
      const message = page.locator('#error-message')
      expect(await message.isVisible()).toBe(true)
      expect(await message.innerText()).toBe(
        "eventName is missing or blank: Iterable refuses an event without a name. Map Event name to the event's name (by default the track call's `event`)."
      )
      // Whole: nothing cut at the box's edge; wrapped: on more than one line, in the column's width.
      const box = await message.evaluate((node) => ({
        cut: node.scrollWidth > node.clientWidth,
        lines: node.getBoundingClientRect().height / parseFloat(getComputedStyle(node).lineHeight)
      }))
      expect(box.cut).toBe(false)
      expect(box.lines).toBeGreaterThanOrEqual(2)
      expect(await text('#error-fields')).toBe('eventName (Event name): mapped from {"@path":"$.event"}')
      expect(await text('#error-meta')).toBe('status 400 · code PAYLOAD_VALIDATION_FAILED')
      // The stack, put away: a closed <details> after the message, its frames not shown.
      const stack = page.locator('#error-stack-details')
      expect(await stack.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false)
      expect(await page.locator('#error-stack').isVisible()).toBe(false)
      expect(await page.locator('#error-stack').textContent()).toMatch(/PayloadValidationError[^]*\n\s+at /)
      const top = async (selector: string) => (await page.locator(selector).boundingBox())?.y ?? NaN
      expect(await top('#error-message')).toBeLessThan(await top('#error-stack-details'))
      await screenshot('failure')
    })

    it('reads nothing back when nothing was sent to Iterable', async () => {
      // The refused event of the test before: 0 requests, so no user is read.
      expect(await page.locator('#profiles .profile').count()).toBe(0)
      expect(await text('#profiles-note')).toBe('Nothing was sent to the API, so nothing to read back.')
    })

    it('has no horizontal scrolling at 400 px: the form and the answer stack, long values wrap', async () => {
      await page.setViewportSize(NARROW)
      try {
        expect(await overflow()).toBeLessThanOrEqual(0)
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400)
        const column = async (selector: string) => (await page.locator(selector).boundingBox())?.x
        expect(await column('#output')).toBe(await column('#input'))
        expect(await page.locator('#error-message').evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true)
        await screenshot('failure')

        await chooseSample('batch')
        await sendAndWait()
        expect(await text('#status')).toBe('2 of 3 events accepted, 1 refused; 1 request to the API.')
        expect(await overflow()).toBeLessThanOrEqual(0)
        // The refused event's message wraps in its cell.
        const refused = page.locator('#events tbody tr').nth(2).locator('td.result')
        expect(await refused.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true)
        expect(await refused.evaluate((node) => node.getBoundingClientRect().height > 40)).toBe(true)
        await screenshot('batch')
      } finally {
        await page.setViewportSize(DESKTOP)
      }
    })

    it('after Update Email, reads the user back at the new email', async () => {
      await page.selectOption('#action', 'updateUser')
      await chooseSample('identify')
      await sendAndWait()
      await page.selectOption('#action', 'updateEmail')
      await chooseSample('track "Email Updated"')
      await sendAndWait()

      expect(await text('#status')).toBe('Sent: 1 request to the API.')
      expect(await text('#exchanges')).toContain(`POST ${emulator.url}/api/users/updateEmail`)
      expect(await page.locator('#profiles .profile h3').allInnerTexts()).toEqual([
        `GET ${emulator.url}/api/users/ada.lovelace%40example.com`
      ])
      const profile = await text('#profiles')
      expect(profile).toContain('"email": "ada.lovelace@example.com"')
      expect(profile).toContain('"firstName": "Ada"')
      await screenshot('email-changed')
    })

    it('reads a user back by userId where the request names no email', async () => {
      await page.selectOption('#action', 'updateUser')
      await chooseSample('identify')
      await editEvent((event) => {
        delete event.traits.email
      })
      await sendAndWait()
      expect(await text('#status')).toBe('Sent: 1 request to the API.')
      expect(await page.locator('#profiles .profile h3').allInnerTexts()).toEqual([
        `GET ${emulator.url}/api/users/byUserId/user-1815`
      ])
      expect(await text('#profiles')).toContain('"userId": "user-1815"')
    })

    it('offers no audience panel for a destination without audienceConfig', async () => {
      expect(await page.locator('#audience').isVisible()).toBe(false)
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
      await page.selectOption('#action', 'trackEvent')
      serve.reload()
      await page.waitForFunction(
        () => document.getElementById('reloaded')?.textContent?.startsWith('Reloaded at') ?? false
      )
      expect(await page.inputValue('#action')).toBe('trackEvent')
    })

    describe('the audience destination (iterable-audiences)', () => {
      let audiencePage: Page
      beforeAll(async () => {
        audiencePage = await context.newPage()
        await audiencePage.goto(`${audienceServe.url}/`)
        await audiencePage.waitForSelector('body[data-ready="true"]')
      })
      afterAll(() => audiencePage?.close())

      const event = async () => JSON.parse(await audiencePage.inputValue('#event'))
      /** The list's users, as the emulator answers GET /api/lists/getUsers: one per line. */
      const listMembers = async () =>
        (await audiencePage.locator('#profiles .profile pre').first().innerText()).trim().split('\n').sort()
      const status = () => audiencePage.locator('#audience-status')

      async function audienceCall(button: string) {
        await audiencePage.evaluate(() => {
          const node = document.getElementById('audience-status')
          if (node) node.textContent = ''
        })
        await audiencePage.click(button)
        await audiencePage.waitForFunction(() => {
          const said = document.getElementById('audience-status')?.textContent ?? ''
          return said !== '' && !said.endsWith('…')
        })
      }

      async function send(sample: string) {
        const value = await audiencePage.$eval(
          '#sample',
          (select, prefix) =>
            [...(select as HTMLSelectElement).options].find((option) => option.text.startsWith(prefix))?.value,
          sample
        )
        if (value === undefined) throw new Error(`No sample starts with "${sample}"`)
        await audiencePage.selectOption('#sample', value)
        await audiencePage.evaluate(() => {
          const panel = document.getElementById('profiles-panel')
          if (panel) panel.hidden = true
        })
        await audiencePage.click('#send')
        await audiencePage.waitForSelector('#profiles-panel:not([hidden])')
      }

      it("offers Engage's samples, each with the audience in context.personas", async () => {
        expect(await audiencePage.inputValue('#action')).toBe('syncAudience')
        const samples = await audiencePage.locator('#sample option').allInnerTexts()
        expect(samples).toEqual([
          'identify: ada@example.com enters vip_customers',
          'identify: ada@example.com leaves vip_customers',
          'track "Audience Entered": grace@example.com enters vip_customers',
          'track "Audience Exited": grace@example.com leaves vip_customers',
          'batch of 4 events (identify, track "Audience Entered")'
        ])
        expect((await event()).context.personas).toMatchObject({
          computation_class: 'audience',
          computation_key: 'vip_customers',
          external_audience_id: '12345'
        })
        expect(await audiencePage.locator('#audience').isVisible()).toBe(true)
        expect(await audiencePage.inputValue('#audience-key')).toBe('vip_customers')
      })

      it("creates the list from the page, and the event goes to it at once: the list's users read back", async () => {
        await audienceCall('#create-audience')
        expect(await status().getAttribute('class')).toBe('ok')
        const listId = await audiencePage.inputValue('#audience-id')
        expect(listId).toMatch(/^\d+$/)
        expect(listId).not.toBe('12345')
        expect((await event()).context.personas.external_audience_id).toBe(listId)

        await send('identify: ada@example.com enters')
        expect(await audiencePage.locator('#status').innerText()).toBe('Sent: 1 request to the API.')
        expect(await audiencePage.locator('#exchanges').innerText()).toContain(
          `POST ${emulator.url}/api/lists/subscribe`
        )
        const reads = await audiencePage.locator('#profiles .profile h3').allInnerTexts()
        expect(reads).toEqual([
          `GET ${emulator.url}/api/lists/getUsers?listId=${listId}`,
          `GET ${emulator.url}/api/users/ada%40example.com`
        ])
        expect(await listMembers()).toEqual(['ada@example.com'])
        await screenshot('audience', audiencePage)

        // A batch goes to the same list: three users enter, and the event without a user is refused alone.
        await send('batch')
        expect(await audiencePage.locator('#status').innerText()).toBe(
          '3 of 4 events accepted, 1 refused; 1 request to the API.'
        )
        expect(await listMembers()).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com'])

        // Leaving the audience takes the user off the list.
        await send('track "Audience Exited"')
        expect(await audiencePage.locator('#status').innerText()).toBe('Sent: 1 request to the API.')
        expect(await audiencePage.locator('#exchanges').innerText()).toContain('/api/lists/unsubscribe')
        expect(await listMembers()).toEqual(['ada@example.com', 'alan@example.com'])
      })

      it('looks a list up by its id, and says when the project has no such list', async () => {
        const listId = await audiencePage.inputValue('#audience-id')
        await audiencePage.fill('#audience-id', '999999')
        await audienceCall('#get-audience')
        expect(await status().getAttribute('class')).toBe('bad')
        expect(await status().innerText()).toMatch(
          /^POST \/getAudience answered 4\d\d.*Audience with ID 999999 not found/
        )
        await audiencePage.fill('#audience-id', listId)
        await audienceCall('#get-audience')
        expect(await status().innerText()).toMatch(new RegExp(`^The list ${listId} exists\\.`))
        expect((await event()).context.personas.external_audience_id).toBe(listId)
      })

      it("creates another audience's list: its key moves the event's membership with it", async () => {
        await audiencePage.fill('#audience-key', 'big_spenders')
        await audienceCall('#create-audience')
        const listId = await audiencePage.inputValue('#audience-id')
        await send('identify: ada@example.com enters')
        const sent = await event()
        expect(sent.context.personas).toMatchObject({ computation_key: 'big_spenders', external_audience_id: listId })
        expect(sent.traits).toEqual({ email: 'ada@example.com', big_spenders: true })
        expect(await audiencePage.locator('#status').innerText()).toBe('Sent: 1 request to the API.')
        expect(await listMembers()).toEqual(['ada@example.com'])
      })

      it('has no horizontal scrolling at 400 px', async () => {
        await audiencePage.setViewportSize(NARROW)
        expect(await audiencePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400)
        await screenshot('audience', audiencePage)
      })
    })
  }
)
