/*
 * Peer (b) of the bench: "the straightforward port" of GET /user (issue 12). Fastify + @fastify/redis,
 * and two Redis round trips per request: a GET of the token's key for the user id, then an HMGET of
 * the user's hash. No Lua, no hashing of the token, no logger, no schema. Its keys live under
 * `naive:` in the bench's private Redis (bench/peers/naive-keys.ts), written by bench/seed.ts.
 * Started by bench/stack.ts as its own process: PORT, HOST and REDIS_URL from the environment.
 */
import Fastify from 'fastify'
import fastifyRedis from '@fastify/redis'
import { naiveTokenKey, naiveUserKey } from './naive-keys.js'

const app = Fastify()
await app.register(fastifyRedis, { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', closeClient: true })

const unauthorized = { code: 0, error: 'unauthorized', message: 'log in first' }

app.get('/user', async (request, reply) => {
  const token = request.headers.token
  const id = typeof token === 'string' ? await app.redis.get(naiveTokenKey(token)) : null
  if (id === null) return reply.code(401).send(unauthorized)
  const [phoneNumber, nickname, registerTime] = await app.redis.hmget(naiveUserKey(id), 'phone_number', 'nickname', 'register_time')
  if (phoneNumber == null) return reply.code(401).send(unauthorized)
  // The same body as Sesame's GET /user.
  return { code: 1, message: 'ok', id: Number(id), phone_number: phoneNumber, nickname: nickname || null, register_time: registerTime }
})

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { app.close().finally(() => process.exit(0)) })
