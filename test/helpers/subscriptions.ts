import type { Hono } from 'hono'
import type { AppEnv } from '../../src/http/env.js'
import { ADMIN } from './hub.js'

export interface CreatedSubscription {
  readonly id: string
  readonly secret: string
}

/** Creates a subscription through the admin API, as an operator would (`more`: other fields). */
export async function subscribe(
  app: Hono<AppEnv>,
  url: string,
  eventTypes: readonly string[] = ['order.*'],
  more: Readonly<Record<string, unknown>> = {},
): Promise<CreatedSubscription> {
  const res = await app.request('/v1/subscriptions', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes, ...more }),
  })
  if (res.status !== 201)
    throw new Error(`subscription not created: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreatedSubscription
}
