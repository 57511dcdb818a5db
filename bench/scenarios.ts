/*
 * The load scenarios, as autocannon request sequences. Each autocannon connection walks its own copy
 * of the sequence, with its own `context`, which autocannon clears when the sequence starts over.
 */
import type autocannon from 'autocannon'
import { PASSWORD, type BenchUser } from './seed.js'

export type ScenarioName = 'health' | 'bare' | 'naive' | 'user' | 'notes' | 'login' | 'mix'
/** In the order they run in each round: the peers right before Sesame's GET /user, which is compared with them. */
export const SCENARIO_NAMES: readonly ScenarioName[] = ['health', 'bare', 'naive', 'user', 'notes', 'login', 'mix']

export interface Fixtures {
  users: BenchUser[]
  /** One live Sesame token per user, same order. */
  tokens: string[]
  /** One token per user for the naive port (its own keys, `naive:` in the same Redis), same order. */
  naiveTokens: string[]
}

interface MixContext { user?: BenchUser, token?: string }

const JSON_HEADERS = { 'content-type': 'application/json' }

const loginBody = (user: BenchUser) => JSON.stringify({ phone_number: user.phoneNumber, password: PASSWORD })

/** A round-robin over `items`, shared by all connections. */
function rotation<T> (items: T[]) {
  let next = 0
  return () => {
    const item = items[next] as T
    next = (next + 1) % items.length
    return item
  }
}

const health = (): autocannon.Request[] => [{ method: 'GET', path: '/health' }]

/** Peer (a), bare Fastify: GET /hello, a small JSON. */
const bare = (): autocannon.Request[] => [{ method: 'GET', path: '/hello' }]

/** GET /user, each request with the next of the 1,000 tokens, shared by all connections. */
function rotatingTokens (tokens: string[]): autocannon.Request[] {
  const nextToken = rotation(tokens)
  return [{
    method: 'GET',
    path: '/user',
    setupRequest: (request) => ({ ...request, headers: { ...request.headers, token: nextToken() } })
  }]
}

/** Sesame's GET /user over its 1,000 live sessions. */
const user = ({ tokens }: Fixtures) => rotatingTokens(tokens)

/** Peer (b), the naive port: GET /user over its own 1,000 tokens, the same way. */
const naive = ({ naiveTokens }: Fixtures) => rotatingTokens(naiveTokens)

/** The example service (examples/notes-api): GET /notes over Sesame's 1,000 live sessions, sent as Authorization: Bearer. */
function notes ({ tokens }: Fixtures): autocannon.Request[] {
  const nextToken = rotation(tokens)
  return [{
    method: 'GET',
    path: '/notes',
    setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${nextToken()}` } })
  }]
}

/** POST /login with the right password, round-robin over the users. */
function login ({ users }: Fixtures): autocannon.Request[] {
  const nextUser = rotation(users)
  return [{
    method: 'POST',
    path: '/login',
    headers: JSON_HEADERS,
    setupRequest: (request) => ({ ...request, body: loginBody(nextUser()) })
  }]
}

/**
 * A phone app's session: log in, 20 GET /user, log out. Users are lent out one per connection, so
 * no two connections share a user (with MAX_SESSIONS_PER_USER=1 a second login would end the first).
 */
function mix ({ users }: Fixtures): autocannon.Request[] {
  const idle = [...users]
  const withToken = (request: autocannon.Request, context: object) =>
    ({ ...request, headers: { ...request.headers, token: (context as MixContext).token ?? '' } })
  const getUser: autocannon.Request = { method: 'GET', path: '/user', setupRequest: withToken }
  return [
    {
      method: 'POST',
      path: '/login',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => {
        const borrowed = idle.shift()
        if (borrowed === undefined) throw new Error('more connections than users')
        ;(context as MixContext).user = borrowed
        return { ...request, body: loginBody(borrowed) }
      },
      onResponse: (status, body, context) => {
        if (status === 200) (context as MixContext).token = (JSON.parse(body) as { token: string }).token
      }
    },
    ...Array.from({ length: 20 }, () => getUser),
    {
      method: 'POST',
      path: '/logout',
      setupRequest: withToken,
      onResponse: (_status, _body, context) => {
        const { user } = context as MixContext
        if (user !== undefined) idle.push(user)
      }
    }
  ]
}

export const SCENARIOS: Record<ScenarioName, (fixtures: Fixtures) => autocannon.Request[]> = { health, bare, naive, user, notes, login, mix }
