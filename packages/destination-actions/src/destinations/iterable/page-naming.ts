import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from './generated-types'

// Segment's Iterable documentation: which page and screen calls reach Iterable, and under what event name.

export type PageKind = 'page' | 'screen'

interface PageIdentity {
  kind: PageKind
  name?: string
  category?: string
}

type PageSettingKey = 'trackAllPages' | 'trackCategorizedPages' | 'trackNamedPages' | 'mapToSingleEvent'

/** Labels and defaults of the page settings; index.ts declares the settings from this table. */
export const PAGE_SETTINGS: Record<PageSettingKey, { label: string; default: boolean }> = {
  trackAllPages: { label: 'Track All Pages', default: false },
  trackCategorizedPages: { label: 'Track Categorized Pages', default: true },
  trackNamedPages: { label: 'Track Named Pages', default: true },
  mapToSingleEvent: { label: 'Map All Pages to Single Event Name', default: false }
}

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
