// Seeded randomness for tests that shuffle or pick at random: one seed gives one sequence, so an
// order that failed once can be replayed. The seed is TEST_SEED when set, else new for each run,
// and a failing test prints it with the command that replays it.
import { relative } from 'node:path'
import { onTestFailed } from 'vitest'
import { seededRandom as fromSeed } from '../../src/sandbox/random.js'
import { testSeed } from '../seed.js'

/** This run's seed: the one vitest.config.ts ordered the tests by, or TEST_SEED, or a random one. */
// eslint-disable-next-line no-restricted-properties -- the test suite's own setting, not the hub's
export const TEST_SEED = testSeed(process.env.TEST_SEED)

/**
 * Random numbers in [0, 1) for the running test, from TEST_SEED; if the test fails, how to replay
 * it is printed. Call it inside the test.
 */
export function seededRandom(): () => number {
  onTestFailed(({ task }) => {
    const file = relative(process.cwd(), task.file.filepath)
    console.error(
      `random order from seed ${TEST_SEED}; replay: TEST_SEED=${TEST_SEED} npx vitest run ${file} -t '${task.name}'`,
    )
  })
  return fromSeed(TEST_SEED)
}

/** Shuffles `items` in place (Fisher-Yates) with `random`, and returns them. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}
