import type {
  CreateSubscription,
  CreatedSubscription,
  ResumedSubscription,
  Subscription,
  SubscriptionTransition,
} from './api-types.js'
import type { HubHttp } from './http.js'

/** Push subscriptions (`/v1/subscriptions`): the hub POSTs each matching event, signed. */
export class SubscriptionsApi {
  constructor(private readonly http: HubHttp) {}

  /** The answer carries the signing secret, shown this once: keep it for verifyDelivery. */
  create(input: CreateSubscription): Promise<CreatedSubscription> {
    return this.http.json('POST', '/v1/subscriptions', { body: input })
  }

  async list(): Promise<Subscription[]> {
    const page = await this.http.json<{ subscriptions: Subscription[] }>('GET', '/v1/subscriptions')
    return page.subscriptions
  }

  get(id: string): Promise<Subscription> {
    return this.http.json('GET', subscriptionPath(id))
  }

  /** Stops deliveries; the hub keeps the history. */
  async delete(id: string): Promise<void> {
    await this.http.json('DELETE', subscriptionPath(id))
  }

  /** Holds deliveries (they wait, pending). A 409 HubApiError for a disabled or deleted one. */
  pause(id: string): Promise<SubscriptionTransition> {
    return this.http.json('POST', `${subscriptionPath(id)}/pause`)
  }

  /** Sends what waited, in feed order, then carries on. */
  resume(id: string): Promise<ResumedSubscription> {
    return this.http.json('POST', `${subscriptionPath(id)}/resume`)
  }
}

function subscriptionPath(id: string): string {
  return `/v1/subscriptions/${encodeURIComponent(id)}`
}
