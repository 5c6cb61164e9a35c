import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

// Iterable derives `itblInternal.regionCode` from a profile's `phoneNumber`: the region of its country calling code
// (`BR` for `+55 83 ...`).

/** The ISO region of an E.164 phone number, or undefined for anything else. */
export function regionCodeOf(phoneNumber: unknown): string | undefined {
  if (typeof phoneNumber !== 'string' || !phoneNumber.trim().startsWith('+')) return undefined
  const parsed = parsePhoneNumberFromString(phoneNumber)
  // A calling code several regions share (+1, +44) names the region when the number tells; otherwise its main one.
  return parsed?.country ?? parsed?.getPossibleCountries()[0]
}
