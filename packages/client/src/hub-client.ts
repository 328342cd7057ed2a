import { ConsumersApi } from './consumers-api.js'
import { EventsApi } from './events-api.js'
import { HubHttp, type HubClientOptions } from './http.js'
import { InventoryApi } from './inventory-api.js'
import { SubscriptionsApi } from './subscriptions-api.js'

/**
 * The hub's consumer-facing admin API. Every call is authenticated with the admin token; every
 * answer that is not a 2xx rejects with a HubApiError, but a recount's 422 (see
 * {@link InventoryApi.setLevels}), whose body says which levels were applied.
 *
 * ```ts
 * const hub = new HubClient({ baseUrl: 'https://hub.example.com', token })
 * for await (const event of hub.events.iterate({ types: ['order.*'], after: saved })) apply(event)
 * ```
 */
export class HubClient {
  readonly events: EventsApi
  readonly consumers: ConsumersApi
  readonly subscriptions: SubscriptionsApi
  readonly inventory: InventoryApi

  constructor(options: HubClientOptions) {
    const http = new HubHttp(options)
    this.events = new EventsApi(http)
    this.consumers = new ConsumersApi(http)
    this.subscriptions = new SubscriptionsApi(http)
    this.inventory = new InventoryApi(http)
  }
}
