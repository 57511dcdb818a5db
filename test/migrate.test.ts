import t from 'tap'
import type { ResultSetHeader, RowDataPacket } from 'mysql2'
import { build } from './support/helper.js'
import { migrate, splitStatements } from '../src/mysql/migrate.js'
import { describeUntouched, type UntouchedRow } from '../src/mysql/phone-normalisation.js'

t.test('splitStatements splits on a semicolon at the end of a line', async (t) => {
  t.same(splitStatements('CREATE TABLE a (x INT);\n\nALTER TABLE a ADD y INT ;\n'), ['CREATE TABLE a (x INT)', 'ALTER TABLE a ADD y INT'])
})

t.test('migrations run at start; running them again changes nothing', async (t) => {
  const app = await build(t)
  const [before] = await app.mysql.query<RowDataPacket[]>('SELECT version, applied_at FROM schema_migrations ORDER BY version')
  t.ok(before.length >= 1, 'the first migration is recorded')
  t.same(await migrate(app.mysql), [], 'nothing left to apply')
  const again = await build(t)
  const [after] = await again.mysql.query<RowDataPacket[]>('SELECT version, applied_at FROM schema_migrations ORDER BY version')
  t.same(after, before, 'a second start is a no-op')
})

t.test('the user table matches SPEC §6', async (t) => {
  const app = await build(t)
  const [columns] = await app.mysql.query<RowDataPacket[]>(
    `SELECT column_name AS name, column_type AS type, is_nullable AS nullable, extra, character_set_name AS charset
       FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'user'`
  )
  const byName = Object.fromEntries(columns.map((column) => [column.name, column]))
  t.match(byName.id, { type: 'bigint(20) unsigned', extra: /auto_increment/ })
  t.ok(byName.phone_number && byName.password_hash && byName.register_time && byName.password_changed_at)
  t.match(byName.nickname, { nullable: 'YES', charset: 'utf8mb4' })
  const [indexes] = await app.mysql.query<RowDataPacket[]>("SHOW INDEX FROM user WHERE Column_name = 'phone_number'")
  t.equal(indexes[0]?.Non_unique, 0, 'phone_number is unique')
})

t.test('020 normalises phone numbers to E.164, and lists the rows it leaves untouched', async (t) => {
  const app = await build(t, { DEFAULT_COUNTRY: 'CN' })
  const rows: Array<[string, string]> = [
    ['uk', '+44 20 7946 0958'], ['us', '0012015550123'], ['cn-national', '13800138001'], ['cn-00', '008613800138002'],
    ['already', '+8613800138003'], ['twin-a', '8613800138004'], ['twin-b', '+8613800138004'],
    ['pair-a', '13800138005'], ['pair-b', '0086 13800138005'], ['garbage', 'not-a-phone']
  ]
  const ids: Record<string, number> = {}
  for (const [name, phone] of rows) {
    const [result] = await app.mysql.query<ResultSetHeader>(
      'INSERT INTO user (phone_number, password_hash, register_time, password_changed_at) VALUES (?, ?, NOW(), NOW())', [phone, 'x'])
    ids[name] = result.insertId
  }
  await app.mysql.query("DELETE FROM schema_migrations WHERE version = '020_normalise_phone_numbers'")
  const reports: UntouchedRow[][] = []
  t.same(await migrate(app.mysql, undefined, { defaultCountry: 'CN', onUntouched: (list) => reports.push(list) }), ['020_normalise_phone_numbers'])
  const [after] = await app.mysql.query<RowDataPacket[]>('SELECT id, phone_number FROM user')
  const phone = Object.fromEntries(after.map((row) => [Number(row.id), String(row.phone_number)]))
  const at = (name: string) => phone[ids[name] ?? 0]
  t.equal(at('uk'), '+442079460958')
  t.equal(at('us'), '+12015550123', '00 with a default country is the international prefix')
  t.equal(at('cn-national'), '+8613800138001', 'national input is read for DEFAULT_COUNTRY')
  t.equal(at('cn-00'), '+8613800138002')
  t.equal(at('already'), '+8613800138003')
  t.equal(at('twin-a'), '8613800138004', 'collides with an E.164 row: untouched')
  t.equal(at('twin-b'), '+8613800138004')
  t.equal(at('pair-a'), '13800138005', 'two spellings of one new number: neither wins')
  t.equal(at('pair-b'), '0086 13800138005')
  t.equal(at('garbage'), 'not-a-phone')
  t.equal(after.length, rows.length, 'nothing deleted or merged')
  t.same(reports[0]?.map((row) => [row.id, row.reason]), [
    [ids['twin-a'], 'collision'], [ids['pair-a'], 'collision'], [ids['pair-b'], 'collision'], [ids.garbage, 'not_a_possible_number']
  ])
  t.match(describeUntouched(reports[0]?.[0] as UntouchedRow), /collides/)
})
