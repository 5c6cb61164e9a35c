import { PayloadValidationError } from '@segment/actions-core'
import type { GlobalSetting } from '@segment/actions-core'
import type { Settings } from './generated-types'

// Segment's Iterable documentation: which page and screen calls reach Iterable, and under what event name.

export type PageKind = 'page' | 'screen'

type PageIdentity = { kind: PageKind; name?: string; category?: string }

type PageSettingKey = 'trackAllPages' | 'trackCategorizedPages' | 'trackNamedPages' | 'mapToSingleEvent'

const setting = (label: string, description: string, defaultValue: boolean) =>
  ({ label, description, type: 'boolean', default: defaultValue } as const)

export const PAGE_SETTINGS: Record<PageSettingKey, GlobalSetting & { default: boolean }> = {
  trackAllPages: setting('Track All Pages', 'Send every page and screen call, whatever its name or category.', false),
  trackCategorizedPages: setting('Track Categorized Pages', 'Send page and screen calls that have a category.', true),
  trackNamedPages: setting('Track Named Pages', 'Send page and screen calls that have a name.', true),
  mapToSingleEvent: setting(
    'Map All Pages to Single Event Name',
    'Send every page call as the event "Loaded a Page" and every screen call as "Loaded a Screen", instead of "<name> page" / "<name> screen".',
    false
  )
}

/** A setting left unset (an older configuration, an API call) means its documented default. */
const isOn = (settings: Settings, key: PageSettingKey): boolean => settings[key] ?? PAGE_SETTINGS[key].default

const present = (value: string | undefined): value is string => typeof value === 'string' && value.trim() !== ''

/** `Loaded a Page`, `shoppingCart page`, `Docs screen`, … The word "undefined" can never appear. */
export function pageEventName({ kind, name, category }: PageIdentity, settings: Settings): string {
  const generic = kind === 'screen' ? 'Loaded a Screen' : 'Loaded a Page'
  if (isOn(settings, 'mapToSingleEvent')) return generic
  if (present(name)) return `${name.trim()} ${kind}`
  if (present(category)) return `${category.trim()} ${kind}`
  return generic
}

/** Throws, naming the settings that would let it through, when the page settings say this call is not sent. */
export function assertPageIsTracked({ kind, name, category }: PageIdentity, settings: Settings): void {
  if (isOn(settings, 'trackAllPages')) return
  if (isOn(settings, 'trackCategorizedPages') && present(category)) return
  if (isOn(settings, 'trackNamedPages') && present(name)) return

  const enable = [
    present(category) && PAGE_SETTINGS.trackCategorizedPages.label,
    present(name) && PAGE_SETTINGS.trackNamedPages.label,
    PAGE_SETTINGS.trackAllPages.label
  ].filter(Boolean)
  const call =
    present(name) || present(category) ? `This ${kind} call` : `This ${kind} call has no name or category and`
  const turnOn = enable.map((label) => `"${label}"`).join(' or ')
  throw new PayloadValidationError(
    `${call} is not sent to Iterable under the current page settings. To send it, turn on ${turnOn} in the destination settings.`
  )
}
