import { parsePhoneNumberFromString } from 'libphonenumber-js'

/** The region libphonenumber uses for a number it cannot place (SPEC §11 budgets and metrics group those together). */
export const UNKNOWN_COUNTRY = 'ZZ'

/**
 * The ISO 3166 country of an E.164 number. A number in a range no territory claims (such as +1 555)
 * counts for the main country of its calling code (US for +1), so a test range is not refused where its
 * country is allowed; a calling code with no country at all (+882 and other networks) is `ZZ`.
 */
export function countryOf (phoneNumber: string): string {
  const parsed = parsePhoneNumberFromString(phoneNumber)
  if (parsed === undefined) return UNKNOWN_COUNTRY
  return parsed.country ?? parsed.getPossibleCountries()[0] ?? UNKNOWN_COUNTRY
}

/** SPEC §11: the prefix budget's key is the E.164 number without its last 4 digits. */
export const prefixOf = (phoneNumber: string) => phoneNumber.slice(0, -4)
