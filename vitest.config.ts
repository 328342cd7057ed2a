import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Integration files mostly wait on PostgreSQL, Redis, timers and child processes: twice as many
    // files as cores run at once. (A percentage cannot say so: vitest caps it at the core count.)
    // On two cores: 2 files at once took 145-147 s, 4 took 123-131 s, 6 made timing-bound tests fail.
    maxWorkers: availableParallelism() * 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{src,connectors,normalizers,workers}/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/*.test.ts',
            'test/architecture/**/*.test.ts',
          ],
          setupFiles: ['test/setup-msw.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-msw.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
