import type { SessionUser } from './user.js'

interface Entry {
  user: SessionUser
  userKey: string
  freshUntil: number
  /** The cache's clock when the entry last moved to the young end. */
  stamp: number
}

/** One resolve in flight: any invalidation of its keys while it runs spoils what it read. */
export interface Ticket {
  sessionKey: string
  userKey: string
  spoiled: boolean
}

/**
 * Resolved sessions in process memory, by their session key: a bounded LRU (a Map keeps insertion
 * order, and the oldest go first). A hit moves its entry to the young end only once it is in the older
 * half (a Map delete and set on every hit was ~2% of a cached GET /user's CPU profile, issue 12), so what is evicted
 * is always among the least recently used half. An entry is dropped when Redis says
 * its session key or its user's key changed. A reply and an invalidation come on two connections, in
 * either order, so a resolve in flight holds a ticket that an invalidation spoils, and a spoiled reply
 * is never stored (the race of the Redis client-side caching docs).
 */
export class SessionCache {
  readonly #max: number
  readonly #entries = new Map<string, Entry>()
  readonly #byUser = new Map<string, Set<string>>()
  readonly #pending = new Map<string, Set<Ticket>>()
  /** Counts stores and moves: an entry whose stamp is more than max/2 behind is in the older half. */
  #clock = 0

  constructor (max: number) {
    this.#max = max
  }

  get size () { return this.#entries.size }

  get (sessionKey: string, now: number): SessionUser | undefined {
    const entry = this.#entries.get(sessionKey)
    if (entry === undefined) return undefined
    if (now >= entry.freshUntil) {
      this.#delete(sessionKey, entry)
      return undefined
    }
    if (this.#clock - entry.stamp > this.#max / 2) {
      this.#entries.delete(sessionKey)
      this.#entries.set(sessionKey, entry)
      entry.stamp = ++this.#clock
    }
    return entry.user
  }

  begin (sessionKey: string, userKey: string): Ticket {
    const ticket: Ticket = { sessionKey, userKey, spoiled: false }
    this.#hold(sessionKey, ticket)
    this.#hold(userKey, ticket)
    return ticket
  }

  end (ticket: Ticket) {
    this.#release(ticket.sessionKey, ticket)
    this.#release(ticket.userKey, ticket)
  }

  /** Stores what a ticket's resolve read, unless an invalidation spoiled it meanwhile. */
  set (ticket: Ticket, user: SessionUser, freshUntil: number) {
    if (ticket.spoiled || this.#max === 0) return
    const old = this.#entries.get(ticket.sessionKey)
    if (old !== undefined) this.#delete(ticket.sessionKey, old)
    this.#entries.set(ticket.sessionKey, { user, userKey: ticket.userKey, freshUntil, stamp: ++this.#clock })
    let sessions = this.#byUser.get(ticket.userKey)
    if (sessions === undefined) this.#byUser.set(ticket.userKey, sessions = new Set())
    sessions.add(ticket.sessionKey)
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.forget(oldest)
    }
  }

  /** A Redis key changed: a session key or a user key. */
  invalidate (key: string) {
    for (const ticket of this.#pending.get(key) ?? []) ticket.spoiled = true
    this.forget(key)
    for (const sessionKey of this.#byUser.get(key) ?? []) this.forget(sessionKey)
  }

  forget (sessionKey: string) {
    const entry = this.#entries.get(sessionKey)
    if (entry !== undefined) this.#delete(sessionKey, entry)
  }

  /** Everything goes, and every resolve in flight is spoiled (a flush, or a lost invalidation channel). */
  clear () {
    for (const tickets of this.#pending.values()) for (const ticket of tickets) ticket.spoiled = true
    this.#entries.clear()
    this.#byUser.clear()
  }

  #delete (sessionKey: string, entry: Entry) {
    this.#entries.delete(sessionKey)
    const sessions = this.#byUser.get(entry.userKey)
    sessions?.delete(sessionKey)
    if (sessions?.size === 0) this.#byUser.delete(entry.userKey)
  }

  #hold (key: string, ticket: Ticket) {
    let tickets = this.#pending.get(key)
    if (tickets === undefined) this.#pending.set(key, tickets = new Set())
    tickets.add(ticket)
  }

  #release (key: string, ticket: Ticket) {
    const tickets = this.#pending.get(key)
    tickets?.delete(ticket)
    if (tickets?.size === 0) this.#pending.delete(key)
  }
}
