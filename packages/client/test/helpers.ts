import { HubClient, type FeedEvent } from '@marketplace-hub/client'
import type { RecordedWebhook } from '../../../test/helpers/fixtures.js'
import { startTcpProxy } from '../../../test/helpers/hub-process.js'
import { TEST_ADMIN_TOKEN, type TestHub } from '../../../test/helpers/hub.js'
import { orderWebhook } from '../../../test/helpers/load.js'
import { receiveAndNormalize, relayAll } from '../../../test/helpers/pipeline.js'
import {
  SANDBOX_SHOPIFY_SECRET,
  shopifyRequestHeaders,
} from '../../../test/helpers/shopify-webhooks.js'

/** A client of a listening test hub, with its admin token. */
export function clientOf(hub: TestHub, token = TEST_ADMIN_TOKEN): HubClient {
  return new HubClient({ baseUrl: hub.url, token })
}

/**
 * Records orders `first` to `first + count - 1` through the hub's own pipeline (signed webhook,
 * normalize step, relay), one `order.created.v1` each, in that order of feed positions.
 */
export async function recordOrders(hub: TestHub, first: number, count: number): Promise<void> {
  for (let n = first; n < first + count; n++)
    await receiveAndNormalize(hub, orderWebhook('client', n))
  await relayAll(hub.deps)
}

/** Posts a signed Shopify webhook to the listening hub over HTTP, as Shopify would. */
export async function sendShopify(hub: TestHub, fx: RecordedWebhook): Promise<void> {
  const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
    method: 'POST',
    headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
    body: fx.body,
  })
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`)
}

/**
 * Runs `use` with a client that reaches the hub through a proxy, and `cut(whileDown)`, which drops
 * every connection and refuses new ones while `whileDown` runs, then lets the client reach the
 * hub again a moment later (after it has met the refusal).
 */
export async function withCuttableLink(
  hub: TestHub,
  use: (
    client: HubClient,
    cut: (whileDown: () => Promise<unknown>) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(hub.url).port) })
  const client = new HubClient({
    baseUrl: `http://127.0.0.1:${proxy.port}`,
    token: TEST_ADMIN_TOKEN,
  })
  let back: Promise<void> | undefined
  try {
    await use(client, async (whileDown) => {
      await proxy.stop()
      await whileDown()
      back = new Promise((resolve) => setTimeout(resolve, 300)).then(() => proxy.start())
    })
  } finally {
    await back
    await proxy.close()
  }
}

/**
 * The first `count` events of an iteration or stream, after which it is aborted (the loop ends
 * by itself: the client stops yielding once its signal aborts).
 */
export async function take(
  iterate: (signal: AbortSignal) => AsyncIterable<FeedEvent>,
  count: number,
  onEach: (seen: readonly FeedEvent[]) => unknown = () => {},
): Promise<FeedEvent[]> {
  const stop = new AbortController()
  const taken: FeedEvent[] = []
  for await (const event of iterate(stop.signal)) {
    taken.push(event)
    await onEach(taken)
    if (taken.length === count) stop.abort()
  }
  return taken
}

export const positions = (events: readonly FeedEvent[]) => events.map((e) => e.position)
