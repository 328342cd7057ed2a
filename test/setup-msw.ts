// Outbound HTTP in tests goes to msw handlers or to a local server the test started; a request to
// anywhere else fails the test instead of reaching the network.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

// Files share a worker's process (vitest `isolate: false`), and this file runs again before each
// of them: one server per process, kept on globalThis, started once and never closed between files
// (a second server would intercept first and know none of the handlers the tests register).
const shared = globalThis as { hubMswServer?: ReturnType<typeof setupServer> }
const firstInProcess = shared.hubMswServer === undefined
export const mswServer = (shared.hubMswServer ??= setupServer())

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

beforeAll(() => {
  if (!firstInProcess) return
  mswServer.listen({
    onUnhandledRequest(request, print) {
      if (LOOPBACK.has(new URL(request.url).hostname)) return // the app under test, a local receiver
      print.error()
    },
  })
})
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.resetHandlers())
