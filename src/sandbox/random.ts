/**
 * Seeded randomness for the emulator's faults: one seed gives one sequence, so a simulation that
 * dropped a given set of webhooks drops the same set when run again with the same seed.
 */

/** A seed is a 32-bit unsigned integer, as Mulberry32 keeps its state. */
export function checkSeed(seed: number, what = 'seed'): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error(`${what} must be an integer from 0 to 2^32 - 1, not ${String(seed)}`)
  return seed
}

/**
 * Numbers in [0, 1) from `seed`, by Mulberry32 (Tommy Ettinger, public domain): small, fast, and
 * plenty for choosing which webhooks to drop or which tests to shuffle; not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = checkSeed(seed) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * A seed of its own for `label` (a channel, say) derived from `seed` (FNV-1a over the label's
 * UTF-16 units, starting from the seed): four channels given one seed do not drop the same
 * positions of their webhook streams, and the same seed still gives the same four streams.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = (checkSeed(seed) ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
