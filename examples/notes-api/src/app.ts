/*
 * notes-api: a small service of your own that trusts Sesame's tokens. It keeps each user's notes in
 * memory and reads nothing of Sesame's MySQL: the plugin resolves a token in the Redis (or Redis Cluster)
 * that Sesame writes its sessions to, or from memory that Redis invalidates.
 *
 * A service outside this repository writes `import sesameAuth from '@sesame/fastify-auth'`; inside it,
 * the example imports the package's source (what the package builds its dist/ from), as Sesame does.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import sesameAuth, { type SesameAuthOptions } from '../../../packages/fastify-auth/src/index.js'

export interface Note {
  id: number
  text: string
  createdAt: string
}

export interface NotesAppOptions {
  /** Where Sesame's sessions are, and the plugin's other options (cache size, onFailure…). */
  auth: SesameAuthOptions
  /** Fastify's own options (logger…); the logger is off by default. */
  fastify?: FastifyServerOptions
}

const noteBody = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: { text: { type: 'string', minLength: 1, maxLength: 1000 } }
} as const

/** The notes service: GET /notes and POST /notes for the token's user, GET /health for anyone. */
export async function buildNotesApp (options: NotesAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ...options.fastify })
  await app.register(sesameAuth, options.auth)
  const notes = new Map<number, Note[]>()
  let lastId = 0

  app.get('/health', async () => ({ ok: true }))

  app.get('/notes', { preValidation: app.authenticate }, async (request) => {
    const user = request.user
    if (user === null) throw new Error('authenticate did not set request.user')
    return { user: { id: user.id, nickname: user.nickname }, notes: notes.get(user.id) ?? [] }
  })

  app.post<{ Body: { text: string } }>('/notes', { preValidation: app.authenticate, schema: { body: noteBody } }, async (request, reply) => {
    const user = request.user
    if (user === null) throw new Error('authenticate did not set request.user')
    const note: Note = { id: ++lastId, text: request.body.text, createdAt: new Date().toISOString() }
    const list = notes.get(user.id) ?? []
    list.push(note)
    notes.set(user.id, list)
    return await reply.code(201).send({ note })
  })

  return app
}
