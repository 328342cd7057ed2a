// What the channels' order-listing tests share: reading every page of a window as order sync does,
// and a budget that lets every call through while it records what it was asked.
import type {
  ChannelClient,
  OrderListing,
  OrderPage,
  OrderWindow,
  RateGates,
} from '../../connectors/types.js'
import type { RateLimit } from '../../connectors/shared/rate-limit.js'

/** Every page of `window`, following each page's `next` to the end. */
export async function listPages<C extends ChannelClient>(
  listing: OrderListing<C>,
  client: C,
  window: OrderWindow,
): Promise<OrderPage[]> {
  const pages: OrderPage[] = []
  let next: string | undefined
  do {
    const page = await listing.list(client, window, next)
    pages.push(page)
    next = page.next
  } while (next !== undefined)
  return pages
}

/** A gate per bucket that lets every call through and records its plan, takes and holds. */
export function recordingGates() {
  const seen = { plans: [] as [string, RateLimit][], taken: [] as string[], held: [] as number[] }
  const gates: RateGates = (bucket, plan) => {
    seen.plans.push([bucket, plan])
    return {
      take: (label) => {
        seen.taken.push(`${bucket}: ${label}`)
        return Promise.resolve()
      },
      hold: (ms) => void seen.held.push(ms),
    }
  }
  return { gates, seen }
}
