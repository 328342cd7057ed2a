import type {
  FeedEvent,
  FeedPage,
  FeedQuery,
  IterateOptions,
  Position,
  StreamOptions,
} from './api-types.js'
import type { HubHttp } from './http.js'
import { Backoff, isTransient, sleep } from './retry.js'
import { hubEventStream } from './sse.js'

/** The hub's default page size; a shorter page means the feed's head was reached. */
const PAGE_SIZE = 100
/** How long a failed read waits before its first retry (then doubling). */
const RETRY_BASE_MS = 500

/** The feed: `GET /v1/events` (pull) and `GET /v1/events/stream` (Server-Sent Events). */
export class EventsApi {
  constructor(private readonly http: HubHttp) {}

  /** One page of the feed after `after`, in position order. */
  list(query: FeedQuery = {}): Promise<FeedPage> {
    return this.http.json<FeedPage>('GET', '/v1/events', {
      query: { after: query.after, types: query.types, limit: query.limit },
      signal: query.signal,
    })
  }

  /**
   * Every event after `after`, then each new one as it is recorded, by polling: when a page comes
   * back short the loop waits `idleMs` and asks again from the last position it yielded. Network
   * failures and 5xx/429 answers are retried with a growing wait; any other error ends it with a
   * HubApiError. Aborting `signal` ends it quietly. To resume later, pass the `position` of the
   * last event you processed as `after`.
   */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<FeedEvent, void, undefined> {
    const { signal, types, idleMs = 1000, limit = PAGE_SIZE } = options
    const backoff = new Backoff()
    let after: Position = options.after ?? 0
    while (!signal?.aborted) {
      let page: FeedPage
      try {
        page = await this.list({ after, types, limit, signal })
      } catch (error) {
        if (signal?.aborted) return
        if (!isTransient(error)) throw error
        await sleep(backoff.next(RETRY_BASE_MS), signal)
        continue
      }
      backoff.reset()
      for (const event of page.events) {
        if (signal?.aborted) return // not one event more once aborted, even from this page
        yield event
        after = event.position
      }
      // Past the events the filter skipped too (the head, when the page was short), so a filtered
      // reader does not scan them again on every poll.
      after = page.next
      if (page.events.length < limit) await sleep(idleMs, signal)
    }
  }

  /**
   * Every event after `after` as the hub records it, over one Server-Sent Events connection that
   * is replaced when it drops, resuming from the last event yielded (see hubEventStream).
   */
  stream(options: StreamOptions = {}): AsyncGenerator<FeedEvent, void, undefined> {
    return hubEventStream(this.http, {
      path: '/v1/events/stream',
      query: { after: options.after, types: options.types },
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    })
  }
}
