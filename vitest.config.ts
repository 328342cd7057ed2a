import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Integration files mostly wait on PostgreSQL, Redis, timers and child processes: more files
    // than cores run at once (vitest's default is one fewer than the cores, one file at a time on
    // two). On two cores: 3 files at once took 145-147 s, 4 took 123-130 s, 6 made timing-bound
    // tests fail.
    maxWorkers: '200%',
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{src,connectors,normalizers,workers}/**/*.test.ts',
            'test/contract/**/*.test.ts',
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
