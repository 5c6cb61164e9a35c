import path from 'path'
import { promises as fs } from 'fs'
import { DESTINATIONS_DIR, loadDestination } from '../../lib/destinations'
import { metadataFor } from '../../lib/metadata'
import { runBin, temporaryCopy } from './run-command'

// An audience destination (iterable-audiences) has audience settings: generate:types writes their AudienceSettings
// after Settings, and metadata.json shows its audienceConfig. A destination without them is unchanged.

describe('an audience destination', () => {
  let copy: { dir: string; remove: () => Promise<void> }

  beforeEach(async () => {
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable-audiences'))
    // It imports the main destination's Iterable module from its sibling folder.
    await fs.cp(path.join(DESTINATIONS_DIR, 'iterable'), path.join(path.dirname(copy.dir), 'iterable'), {
      recursive: true,
      filter: (file) => !/__tests__/.test(file)
    })
  })
  afterEach(() => copy.remove())

  it('gets AudienceSettings after Settings in its generated-types.ts', async () => {
    const file = path.join(copy.dir, 'generated-types.ts')
    await fs.rm(file)

    const { exitCode } = await runBin(['generate:types', '--path', copy.dir])

    expect(exitCode).toBe(0)
    const contents = await fs.readFile(file, 'utf8')
    expect(contents).toBe(
      await fs.readFile(path.join(DESTINATIONS_DIR, 'iterable-audiences', 'generated-types.ts'), 'utf8')
    )
    const settingsAt = contents.indexOf('export interface Settings {')
    const audienceAt = contents.indexOf('export interface AudienceSettings {')
    expect(settingsAt).toBeGreaterThanOrEqual(0)
    expect(audienceAt).toBeGreaterThan(settingsAt)
    const audienceSettings = contents.slice(audienceAt)
    expect(audienceSettings).toMatch(/updateExistingUsersOnly\?: boolean/)
    expect(audienceSettings).toMatch(/globalUnsubscribe\?: boolean/)
    expect(audienceSettings).toMatch(/campaignId\?: number/)
  })

  it('shows its audienceConfig in metadata.json; the main destination has none', () => {
    const metadata = metadataFor(loadDestination(copy.dir))

    expect(metadata.audienceConfig).toEqual({
      mode: { type: 'synced', full_audience_sync: false },
      audienceFields: {
        updateExistingUsersOnly: expect.objectContaining({ type: 'boolean', default: false }),
        globalUnsubscribe: expect.objectContaining({ type: 'boolean', default: false }),
        campaignId: expect.objectContaining({ type: 'number' })
      },
      supportsAudienceFunctions: true
    })
    expect(metadataFor(loadDestination(path.join(DESTINATIONS_DIR, 'iterable'))).audienceConfig).toBeNull()
  })
})
