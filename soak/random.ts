/* A small seeded PRNG (mulberry32), so that `--seed` gives the same fault schedule every time. */
export type Rng = () => number

export function seeded (seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export const between = (rng: Rng, min: number, max: number) => min + rng() * (max - min)

export function pick<T> (rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

/** One of `weights`' keys, chosen in proportion to its weight. */
export function weighted<K extends string> (rng: Rng, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as Array<[K, number]>
  let left = rng() * entries.reduce((sum, [, weight]) => sum + weight, 0)
  for (const [key, weight] of entries) {
    left -= weight
    if (left < 0) return key
  }
  return entries[entries.length - 1]?.[0] as K
}
