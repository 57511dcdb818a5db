import { Redis, type RedisOptions } from 'ioredis'

export interface NodeEvents {
  /** A key of this node changed (null: the node was flushed, so every key did). */
  invalidate: (key: string | null) => void
  /** Invalidations may have been missed: forget everything read from this node. */
  lost: () => void
  error: (err: Error) => void
}

const CHANNEL = '__redis__:invalidate'

/**
 * One Redis server (a standalone Redis, or one master of a Cluster) seen through two connections of
 * our own: `tracking` runs the resolve script with `CLIENT TRACKING on REDIRECT <id> NOLOOP`, and
 * `invalidation` (RESP2, so ioredis hands us the messages) is subscribed to __redis__:invalidate and
 * receives, for every key `tracking` read, a message when anyone else changes it.
 * `trusted` is true only while both are up and tracking is on; `epoch` changes whenever it stops, so a
 * reply that was in flight across a drop is never stored.
 */
export class TrackedNode {
  readonly tracking: Redis
  readonly invalidation: Redis
  trusted = false
  epoch = 0
  #subscriberId: string | null = null
  #closed = false
  readonly #events: NodeEvents

  constructor (options: RedisOptions, events: NodeEvents) {
    this.#events = events
    const common: RedisOptions = { ...options, lazyConnect: false, enableOfflineQueue: false, autoResubscribe: false, autoResendUnfulfilledCommands: false }
    this.tracking = new Redis({ ...common, maxRetriesPerRequest: 0 })
    this.invalidation = new Redis({ ...common, protocol: 2 })
    for (const connection of [this.tracking, this.invalidation]) {
      connection.on('error', (err: Error) => events.error(err))
      connection.on('close', () => this.#drop(connection === this.invalidation))
    }
    this.invalidation.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
      if (channel.toString() !== CHANNEL) return
      if (keys === null) events.invalidate(null)
      else for (const key of keys) events.invalidate(key.toString())
    })
    this.invalidation.on('ready', () => { this.#subscribe().catch((err: Error) => this.#fail(err)) })
    this.tracking.on('ready', () => { this.#track().catch((err: Error) => this.#fail(err)) })
  }

  async #subscribe () {
    const epoch = this.epoch
    const id = String(await this.invalidation.call('CLIENT', 'ID'))
    await this.invalidation.subscribe(CHANNEL)
    if (epoch !== this.epoch) return
    this.#subscriberId = id
    await this.#track()
  }

  async #track () {
    const epoch = this.epoch
    const id = this.#subscriberId
    if (id === null || this.tracking.status !== 'ready' || this.trusted) return
    await this.tracking.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', id, 'NOLOOP')
    // Only if nothing dropped meanwhile: commands on one connection run in order, so every resolve
    // sent from now on has its keys tracked.
    if (epoch === this.epoch && id === this.#subscriberId) this.trusted = true
  }

  #drop (subscriberLost: boolean) {
    this.epoch++
    if (subscriberLost) this.#subscriberId = null
    if (this.trusted || subscriberLost) this.#events.lost()
    this.trusted = false
  }

  #fail (err: Error) {
    this.#events.error(err)
    if (this.#closed) return
    // Tracking could not be set up on this connection: start over on a fresh one.
    this.invalidation.disconnect(true)
  }

  async close () {
    this.#closed = true
    this.epoch++
    this.trusted = false
    await Promise.allSettled([this.tracking.quit(), this.invalidation.quit()])
    this.tracking.disconnect()
    this.invalidation.disconnect()
  }
}
