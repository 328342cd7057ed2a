// Outbound HTTP in tests goes to msw handlers or to a local server the test started; a request to
// anywhere else fails the test instead of reaching the network.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

export const mswServer = setupServer()

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

beforeAll(() =>
  mswServer.listen({
    onUnhandledRequest(request, print) {
      if (LOOPBACK.has(new URL(request.url).hostname)) return // the app under test, a local receiver
      print.error()
    },
  }),
)
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())
