import { PayloadValidationError, type GlobalSetting } from '@segment/actions-core'
import type { Settings } from './generated-types'

// Segment's Iterable documentation: which page and screen calls reach Iterable, and under what event name.

export type PageKind = 'page' | 'screen'

interface PageIdentity {
  kind: PageKind
  name?: string
  category?: string
}

type PageSettingKey = 'trackAllPages' | 'trackCategorizedPages' | 'trackNamedPages' | 'mapToSingleEvent'

const pageSettingField = (label: string, description: string, defaultValue: boolean) => ({
  label,
  description,
  type: 'boolean' as const,
  default: defaultValue
})

/** The page settings, as index.ts declares them. */
export const PAGE_SETTINGS = {
  trackAllPages: pageSettingField(
    'Track All Pages',
    'Send every page and screen call to Iterable, whether or not it has a name or a category.',
    false
  ),
  trackCategorizedPages: pageSettingField(
    'Track Categorized Pages',
    'Send page and screen calls that have a category to Iterable.',
    true
  ),
  trackNamedPages: pageSettingField(
    'Track Named Pages',
    'Send page and screen calls that have a name to Iterable.',
    true
  ),
  mapToSingleEvent: pageSettingField(
    'Map All Pages to Single Event Name',
    'Send every page call as the event "Loaded a Page" and every screen call as "Loaded a Screen", instead of "<name> page" / "<name> screen".',
    false
  )
} satisfies Record<PageSettingKey, GlobalSetting>

/** A setting left unset (an older configuration, an API call) means its documented default. */
function pageSetting(settings: Settings, key: PageSettingKey): boolean {
  return settings[key] ?? PAGE_SETTINGS[key].default
}

const present = (value: string | undefined): value is string => typeof value === 'string' && value.trim() !== ''

/** `Loaded a Page`, `shoppingCart page`, `Docs screen`, … The word "undefined" can never appear. */
export function pageEventName({ kind, name, category }: PageIdentity, settings: Settings): string {
  const generic = kind === 'screen' ? 'Loaded a Screen' : 'Loaded a Page'
  if (pageSetting(settings, 'mapToSingleEvent')) return generic
  if (present(name)) return `${name.trim()} ${kind}`
  if (present(category)) return `${category.trim()} ${kind}`
  return generic
}

/** Throws, naming the setting that would let it through, when the page settings say this call is not sent. */
export function assertPageIsTracked({ kind, name, category }: PageIdentity, settings: Settings): void {
  if (pageSetting(settings, 'trackAllPages')) return
  if (pageSetting(settings, 'trackCategorizedPages') && present(category)) return
  if (pageSetting(settings, 'trackNamedPages') && present(name)) return

  const what = kind === 'screen' ? 'screen' : 'page'
  const enable = [PAGE_SETTINGS.trackAllPages.label]
  if (present(name)) enable.unshift(PAGE_SETTINGS.trackNamedPages.label)
  if (present(category)) enable.unshift(PAGE_SETTINGS.trackCategorizedPages.label)
  const described =
    present(name) || present(category) ? `This ${what} call` : `This ${what} call has no name or category and`
  throw new PayloadValidationError(
    `${described} is not sent to Iterable under the current page settings. To send it, turn on ${enable
      .map((label) => `"${label}"`)
      .join(' or ')} in the destination settings.`
  )
}
