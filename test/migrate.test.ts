import t from 'tap'
import type { RowDataPacket } from 'mysql2'
import { build } from './support/helper.js'
import { migrate, splitStatements } from '../src/mysql/migrate.js'

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
