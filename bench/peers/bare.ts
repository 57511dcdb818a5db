/*
 * Peer (a) of the bench: bare Fastify, one route returning a small JSON. No logger, no plugins, no
 * schema: what a Fastify route costs on this machine, the floor Sesame's GET /user is measured against.
 * Started by bench/stack.ts as its own process: PORT and HOST from the environment.
 */
import Fastify from 'fastify'

const app = Fastify()

app.get('/hello', async () => ({ hello: 'world' }))

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => { app.close().finally(() => process.exit(0)) })
