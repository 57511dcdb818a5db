import type { PoolConnection } from 'mysql2/promise'
import type { RowDataPacket } from 'mysql2'
import { toE164 } from '../accounts/input.js'

/** A row the normalisation left as it was, and why. */
export interface UntouchedRow { id: number, phoneNumber: string, reason: 'not_a_possible_number' | 'collision', e164?: string }

/**
 * Migration 020 (SPEC §2), in code because SQL cannot read phone numbers: every row whose number is not
 * E.164 is rewritten in E.164. A row that cannot be read, or whose E.164 number another row already has or
 * would get too, is left untouched and reported; nothing is deleted or merged, so a person decides.
 */
export async function normalisePhoneNumbers (connection: PoolConnection, defaultCountry?: string): Promise<UntouchedRow[]> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT id, phone_number FROM user ORDER BY id')
  const byNumber = new Map<string, Array<{ id: number, raw: string }>>()
  const untouched: UntouchedRow[] = []
  for (const row of rows) {
    const raw = String(row.phone_number)
    const e164 = toE164(raw, defaultCountry)
    if (e164 === null) {
      untouched.push({ id: Number(row.id), phoneNumber: raw, reason: 'not_a_possible_number' })
      continue
    }
    byNumber.set(e164, [...(byNumber.get(e164) ?? []), { id: Number(row.id), raw }])
  }
  for (const [e164, group] of byNumber) {
    const pending = group.filter((row) => row.raw !== e164)
    if (pending.length === 0) continue
    if (group.length > 1) {
      for (const row of pending) untouched.push({ id: row.id, phoneNumber: row.raw, reason: 'collision', e164 })
      continue
    }
    await connection.query('UPDATE user SET phone_number = ? WHERE id = ? AND phone_number = ?', [e164, pending[0]?.id, pending[0]?.raw])
  }
  return untouched.sort((a, b) => a.id - b.id)
}

/** One line per untouched row, for `npm run migrate` and the boot log. */
export const describeUntouched = (row: UntouchedRow) => row.reason === 'collision'
  ? `user ${row.id}: ${JSON.stringify(row.phoneNumber)} left as it is: its E.164 form ${row.e164 ?? ''} collides with another row`
  : `user ${row.id}: ${JSON.stringify(row.phoneNumber)} left as it is: not a possible phone number`
