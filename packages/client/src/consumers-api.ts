import type {
  Consumer,
  ConsumerReadOptions,
  ConsumerStreamOptions,
  CreateConsumer,
  FeedEvent,
  FeedPage,
} from './api-types.js'
import type { HubHttp } from './http.js'
import { hubEventStream } from './sse.js'

/**
 * Named consumers (`/v1/consumers`): cursors the hub keeps. Read or stream from the committed
 * position, apply the events, then commit the last position applied; after a crash the reader
 * starts again from the last commit, so commit only what is applied.
 */
export class ConsumersApi {
  constructor(private readonly http: HubHttp) {}

  /** A 409 HubApiError when the name is taken. */
  create(input: CreateConsumer): Promise<Consumer> {
    return this.http.json('POST', '/v1/consumers', { body: input })
  }

  get(name: string): Promise<Consumer> {
    return this.http.json('GET', consumerPath(name))
  }

  async list(): Promise<Consumer[]> {
    return (await this.http.json<{ consumers: Consumer[] }>('GET', '/v1/consumers')).consumers
  }

  async delete(name: string): Promise<void> {
    await this.http.json('DELETE', consumerPath(name))
  }

  /** The next page after its committed position, through its type filter. Commits nothing. */
  read(name: string, options: ConsumerReadOptions = {}): Promise<FeedPage> {
    return this.http.json('GET', `${consumerPath(name)}/events`, {
      query: { limit: options.limit },
      signal: options.signal,
    })
  }

  /**
   * Records that every event up to `position` is applied. The same position again changes
   * nothing; one behind the committed position is a 409 HubApiError whose `body.position` is the
   * committed one (another reader of the same consumer got further).
   */
  commit(name: string, position: number): Promise<Consumer> {
    return this.http.json('POST', `${consumerPath(name)}/commit`, { body: { position } })
  }

  /** Moves the position anywhere up to the head, back (to read again) or forward (to skip). */
  seek(name: string, position: number): Promise<Consumer> {
    return this.http.json('POST', `${consumerPath(name)}/seek`, { body: { position } })
  }

  /** Its events from the committed position as the hub records them, reconnecting as events.stream does. */
  stream(
    name: string,
    options: ConsumerStreamOptions = {},
  ): AsyncGenerator<FeedEvent, void, undefined> {
    return hubEventStream(this.http, {
      path: `${consumerPath(name)}/stream`,
      query: {},
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    })
  }
}

function consumerPath(name: string): string {
  return `/v1/consumers/${encodeURIComponent(name)}`
}
