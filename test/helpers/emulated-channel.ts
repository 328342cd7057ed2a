// The marketplace emulator in tests: one channel's routes on a real port with a fresh seller per
// test, or the whole emulator for a file; and the ingress view of the webhooks it signs, with what
// the hub makes of them.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { ChannelClient, Connector, InboundRequest } from '../../connectors/types.js'
import { normalizers, parseJsonBody, type Observation } from '../../normalizers/index.js'
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

/** What the hub made of a webhook: its observations, and whether the order had to be fetched first. */
export interface Received {
  readonly observations: readonly Observation[]
  /** True when the normalizer asked for records (a thin webhook) and `client` fetched them. */
  readonly hydrated: boolean
}

/**
 * A webhook through the hub's receiving steps: the connector's `verify` (with the account's
 * credentials, at `now`), the channel's normalizer, and, where the webhook is thin, hydration
 * through `client` (the real client, against the emulator) and the normalizer again.
 */
export async function receive<C>(
  webhook: SignedWebhook,
  via: {
    readonly connector: Pick<Connector<C>, 'id' | 'ingress'>
    readonly credentials: C
    readonly client?: () => ChannelClient
    readonly now?: Date
  },
): Promise<Received> {
  const now = via.now ?? new Date()
  const verified = via.connector.ingress.verify(inbound(webhook), {
    credentials: via.credentials,
    now,
  })
  if (!verified.ok) throw new Error(`verify refused the webhook: ${verified.reason}`)
  const [, hook, channel, accountId] = webhook.path.split('/')
  if (hook !== 'webhooks' || channel !== via.connector.id || accountId === undefined)
    throw new Error(`not a ${via.connector.id} webhook path: ${webhook.path}`)
  const normalizer = normalizers[via.connector.id]
  if (!normalizer) throw new Error(`${via.connector.id} has no normalizer`)
  const input = {
    channel: via.connector.id,
    accountId,
    topic: verified.topic,
    dedupeKey: verified.dedupeKey,
    receivedAt: now,
    body: parseJsonBody(webhook.body),
  }
  let result = normalizer.normalize(input)
  const hydrated = result.kind === 'hydrate'
  if (result.kind === 'hydrate') {
    if (!via.client)
      throw new Error(`hydration asked for without a client: ${JSON.stringify(result)}`)
    result = normalizer.normalize({ ...input, hydrated: await via.client().hydrate(result.needs) })
  }
  if (result.kind !== 'observations') throw new Error(`not observations: ${JSON.stringify(result)}`)
  return { observations: result.observations, hydrated }
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
    get dispatcher() {
      return get().dispatcher
    },
    close: () => get().close(),
  }
}
