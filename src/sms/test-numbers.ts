import type { Config } from '../config/env.js'

/**
 * SMS_TEST_NUMBERS (`+15550100001=246810,…`) for app-store review and end-to-end tests: never sent to
 * the gateway, they take their fixed code. SMS_TEST_NUMBERS_UNTIL, when set, ends them in every
 * environment; under NODE_ENV=production it is required (loadConfig refuses to boot without it), so a
 * forgotten test number cannot stay open for ever.
 */
export function createTestNumbers (config: Pick<Config, 'SMS_TEST_NUMBERS' | 'SMS_TEST_NUMBERS_UNTIL'>) {
  const codes = new Map<string, string>()
  for (const entry of config.SMS_TEST_NUMBERS?.split(',') ?? []) {
    const [phone = '', code = ''] = entry.split('=')
    codes.set(phone, code)
  }
  // loadConfig has checked the date, and that production has one.
  const until = config.SMS_TEST_NUMBERS_UNTIL === undefined ? Infinity : Date.parse(config.SMS_TEST_NUMBERS_UNTIL)
  return {
    /** The fixed code of an E.164 number while test numbers are in force, else undefined (an ordinary number). */
    codeFor (phoneNumber: string, now = Date.now()): string | undefined {
      return now < until ? codes.get(phoneNumber) : undefined
    }
  }
}

export type TestNumbers = ReturnType<typeof createTestNumbers>
