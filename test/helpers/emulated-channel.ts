// The marketplace emulator in tests: one channel's routes on a real port with a fresh seller per
// test, or the whole emulator for a file; and the ingress view of the webhooks it signs.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { InboundRequest } from '../../connectors/types.js'
import {
  channelApp,
  newChannelState,
  startEmulator,
  type RunningEmulator,
} from '../../src/sandbox/emulator.js'
import type { ChannelState, EmulatedChannel, SignedWebhook } from '../../src/sandbox/types.js'

export interface EmulatedChannelUnderTest {
  /** Base URL: the channel's API is under `<url>/<channel>`, as in sandbox credentials. */
  readonly url: string
  /** This test's seller; every test gets a fresh one. */
  readonly state: ChannelState
  /** Serves another build of the channel (other usage plans, say) over this test's seller. */
  use(emulated: EmulatedChannel): void
}

/** Registers hooks serving `emulated` for the calling test file. */
export function useEmulatedChannel(emulated: EmulatedChannel): EmulatedChannelUnderTest {
  let server: Listening | undefined
  let state: ChannelState | undefined
  let app = new Hono()
  const use = (channel: EmulatedChannel) => {
    app = channelApp(channel, state!)
  }
  beforeAll(async () => {
    server = await listen((req) => app.fetch(req))
  })
  afterAll(() => server?.close())
  beforeEach(() => {
    state = newChannelState(emulated.channel, 'demo')
    use(emulated)
  })
  return {
    get url() {
      if (!server) throw new Error('emulator used outside a test')
      return server.url
    },
    get state() {
      if (!state) throw new Error('emulator used outside a test')
      return state
    },
    use,
  }
}

export interface Listening {
  readonly url: string
  close(): Promise<void>
}

/** A loopback HTTP server for `fetch` on a free port. */
export function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<Listening> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            // Idle keep-alive sockets would otherwise hold close() open.
            if ('closeIdleConnections' in server) server.closeIdleConnections()
          }),
      }),
    )
  })
}

/** A signed webhook as the hub's ingress route receives it (header names lower-cased). */
export function inbound(webhook: SignedWebhook): InboundRequest {
  const headers = Object.fromEntries(
    Object.entries(webhook.headers).map(([name, value]) => [name.toLowerCase(), value]),
  )
  return {
    rawBody: Buffer.from(webhook.body, 'utf8'),
    headers,
    url: `http://hub.test${webhook.path}`,
    method: 'POST',
  }
}

/**
 * The whole marketplace emulator for the calling test file, started before the file's later
 * `beforeAll` hooks (so `useTestHub({ accounts: () => sandboxAccounts(emulator.url) })` after it
 * sees its URL). Its state lives for the whole file.
 */
export function useEmulator(): RunningEmulator {
  let running: RunningEmulator | undefined
  beforeAll(async () => {
    running = await startEmulator({ port: 0 })
  })
  afterAll(() => running?.close())
  const get = () => {
    if (!running) throw new Error('emulator used outside a test')
    return running
  }
  return {
    get url() {
      return get().url
    },
    state: (channel) => get().state(channel),
    close: () => get().close(),
  }
}
