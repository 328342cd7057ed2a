import { HubClient, type FeedEvent } from '@marketplace-hub/client'
import { TEST_ADMIN_TOKEN, type TestHub } from '../../../test/helpers/hub.js'
import { orderWebhook } from '../../../test/helpers/load.js'
import { receiveAndNormalize, relayAll } from '../../../test/helpers/pipeline.js'

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
