import path from 'path'
import { promises as fs } from 'fs'
import { DESTINATIONS_DIR } from '../../lib/destinations'
import { generateMetadata, metadataFor, metadataJson } from '../../lib/metadata'
import iterable from '../../../../destination-actions/src/destinations/iterable'
import { fixtureDestination } from '../../lib/__tests__/fixtures'
import { runBin, temporaryCopy } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

describe('metadata', () => {
  it('holds the public definition: settings with defaults and choices, actions, presets', () => {
    const metadata = metadataFor(iterable) as Record<string, any>
    expect(Object.keys(metadata)).toEqual([
      '$comment',
      'name',
      'slug',
      'mode',
      'description',
      'authentication',
      'actions',
      'presets'
    ])
    expect(metadata).toMatchObject({ name: 'Iterable (Actions)', slug: 'actions-iterable', mode: 'cloud' })
    expect(metadata.authentication.fields.apiKey).toMatchObject({ type: 'password', required: true })
    expect(metadata.authentication.fields.dataCenterLocation).toMatchObject({
      default: 'united_states',
      choices: [
        { label: 'United States', value: 'united_states' },
        { label: 'Europe', value: 'europe' }
      ]
    })
    expect(Object.keys(metadata.actions)).toEqual(Object.keys(iterable.actions))
    for (const [key, action] of Object.entries(iterable.actions)) {
      expect(metadata.actions[key]).toMatchObject({
        title: action.title,
        description: action.description,
        defaultSubscription: action.defaultSubscription ?? null,
        hasPerformBatch: typeof action.performBatch === 'function'
      })
      expect(Object.keys(metadata.actions[key].fields)).toEqual(Object.keys(action.fields))
    }
    expect(metadata.presets).toHaveLength(iterable.presets!.length)
  })

  it('is stable: the same definition gives the same bytes, whatever the key order of its objects', () => {
    const definition = fixtureDestination()
    const reordered = fixtureDestination()
    const { email, plan } = reordered.actions.single.fields
    reordered.actions.single.fields.email = Object.fromEntries(Object.entries(email).reverse()) as typeof email
    reordered.actions.single.fields.plan = Object.fromEntries(Object.entries(plan).reverse()) as typeof plan
    expect(metadataJson(reordered)).toBe(metadataJson(definition))
  })

  it('marks which actions have a batch path', () => {
    const metadata = metadataFor(fixtureDestination()) as Record<string, any>
    expect(metadata.actions.single.hasPerformBatch).toBe(false)
    expect(metadata.actions.batched.hasPerformBatch).toBe(true)
  })
})

describe('generate:metadata-payload', () => {
  let copy: { dir: string; remove: () => Promise<void> }

  beforeEach(async () => {
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable'))
    await fs.rm(path.join(copy.dir, 'metadata.json'), { force: true })
  })
  afterEach(() => copy.remove())

  it('writes metadata.json beside index.ts; a second run changes nothing', async () => {
    const file = path.join(copy.dir, 'metadata.json')
    expect(await generateMetadata([copy.dir])).toEqual({ changed: [file], stale: [], total: 1 })
    const written = await fs.readFile(file, 'utf8')
    expect(JSON.parse(written)).toMatchObject({ name: 'Iterable (Actions)', slug: 'actions-iterable' })
    expect(written).toBe(metadataJson(iterable))

    expect(await generateMetadata([copy.dir])).toEqual({ changed: [], stale: [], total: 1 })
    expect(await fs.readFile(file, 'utf8')).toBe(written)
  })

  it('with check, finds a missing or stale metadata.json and writes nothing', async () => {
    const file = path.join(copy.dir, 'metadata.json')
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([file])
    await expect(fs.access(file)).rejects.toThrow()

    await generateMetadata([copy.dir])
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([])
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"Upsert User"', '"Renamed"'))
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([file])
  })

  it('--check exits 1 naming the stale file, 0 once it is regenerated', async () => {
    const stale = await runBin(['generate:metadata-payload', '--path', copy.dir, '--check'])
    expect(stale.exitCode).toBe(1)
    expect(stale.stderr).toMatch(/Stale metadata/)
    expect(stale.stderr).toContain('metadata.json')

    expect((await runBin(['generate:metadata-payload', '--path', copy.dir])).exitCode).toBe(0)
    expect((await runBin(['generate:metadata-payload', '--path', copy.dir, '--check'])).exitCode).toBe(0)
  })
})
