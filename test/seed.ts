// The test run's seed: TEST_SEED when set, else a new one. vitest.config.ts reads it once, orders
// every file's tests by it and hands it to the test workers as TEST_SEED, so the tests' own
// shuffles (helpers/seeded-random.ts) draw from the same seed and one value replays a whole run.
import { randomInt } from 'node:crypto'

export function testSeed(text: string | undefined): number {
  if (text === undefined || text === '') return randomInt(2 ** 32)
  const seed = Number(text)
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error(`TEST_SEED must be an integer from 0 to 2^32 - 1, not ${JSON.stringify(text)}`)
  return seed
}
