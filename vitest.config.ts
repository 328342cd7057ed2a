import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'
import { testSeed } from './test/seed.js'
import { TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL } from './test/services.js'

// Each file's tests run in an order drawn from this seed (printed as "Running tests with seed …"),
// so no test can lean on what an earlier one left; `TEST_SEED=<seed> npm test` replays a run.
// eslint-disable-next-line no-restricted-properties -- the test suite's own setting, not the hub's
const seed = testSeed(process.env.TEST_SEED)

// The files that drop connections through msw (faults' `networkError`): run in a fresh module
// graph each, as their dropped connections came back as the emulator's answer, not as a failed
// fetch, once another file had run in the process. The cause is not found yet.
const DROPPED_CONNECTION_TESTS = [
  'connectors/*/client.test.ts',
  'connectors/*/orders.test.ts',
  'src/sandbox/faults.test.ts',
]

// Files that run on the cluster only: one needs a cluster node and a plain Redis; the other is the
// issue's "many processes on one PostgreSQL and the cluster" (five processes, pushing stock from
// per-account queues: once is enough).
const CLUSTER_ONLY_TESTS = [
  'test/integration/hostile/startup-redis-mode.test.ts',
  'test/integration/many-processes.test.ts',
]
// What runs on a Redis Cluster as well (the `integration-cluster` project): the files that move
// work through every queue, crash a worker, storm the hub, run the API budget's scripts, or touch
// many keys at once (push causes, key scans). Files whose Redis use these already cover (the
// ingest route's cases, allocation, tracing) run on one Redis only: on a cluster of six nodes on
// two cores they took twice as long (26 s for allocation) and showed nothing more.
// The failover test has a cluster of its own and runs in `integration` only.
const CLUSTER_TESTS = [
  'test/integration/end-to-end.test.ts',
  'test/integration/storms.test.ts',
  'test/integration/worker-crash.test.ts',
  'test/integration/job-settling.test.ts',
  'test/integration/api-budget.test.ts',
  'test/integration/leader-and-sweeper.test.ts',
  'test/integration/push-causes.test.ts',
  'test/integration/redis-key-scan.test.ts',
  ...CLUSTER_ONLY_TESTS,
]

// Tests import the client package by name and get its sources, so they need no build (the
// tsconfig.json `paths` entry says the same to tsc and tsx).
const resolve = {
  alias: {
    '@marketplace-hub/client': fileURLToPath(
      new URL('./packages/client/src/index.ts', import.meta.url),
    ),
  },
}

export default defineConfig({
  test: {
    sequence: { shuffle: { files: false, tests: true }, seed },
    env: { TEST_SEED: String(seed) },
    // Integration files mostly wait on PostgreSQL, Redis, timers and child processes: twice as many
    // files as cores run at once. (A percentage cannot say so: vitest caps it at the core count.)
    // On two cores: 2 files at once took 145-147 s, 4 took 123-131 s, 6 made timing-bound tests fail.
    maxWorkers: availableParallelism() * 2,
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          // Files share each worker's modules: loading them again for every file was most of the
          // suite's time (import 209 s of CPU in a 167-s run). Files keep no state in modules, and
          // test/setup-msw.ts keeps one msw server per process.
          isolate: false,
          include: [
            '{src,connectors,normalizers,workers}/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/*.test.ts',
            'test/architecture/**/*.test.ts',
            'packages/*/test/*.test.ts',
          ],
          exclude: DROPPED_CONNECTION_TESTS,
          setupFiles: ['test/setup-msw.ts'],
        },
      },
      {
        test: {
          name: 'unit-isolated',
          include: DROPPED_CONNECTION_TESTS,
          setupFiles: ['test/setup-msw.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          // As the unit files: each file starts its own hub, database and queue prefix.
          isolate: false,
          include: ['test/integration/**/*.test.ts', 'packages/*/test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CLUSTER_ONLY_TESTS],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-network.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: 'integration-cluster',
          // The queue, fault and storm files again, on a Redis Cluster (scripts/redis-cluster.sh,
          // started by the global setup when it is not up): the hub's own connections, every
          // helper's and every queue are then cluster ones.
          isolate: false,
          include: CLUSTER_TESTS,
          env: { TEST_REDIS_URL: TEST_REDIS_CLUSTER_URL, TEST_REDIS_NODE_URL: TEST_REDIS_URL },
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-network.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
