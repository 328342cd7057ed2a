// De-risks the webhook route answering an unauthenticated request by what its body holds (400 for
// bad JSON, a parse of a huge body) instead of refusing it for its credentials: on every channel,
// a request without valid credentials gets 401 whatever its body, nothing is stored, and the hub
// serves the next request.
import { describe, expect, it } from 'vitest'
import { CHANNEL_IDS } from '../../../src/events/index.js'
import { useTestHub } from '../../helpers/hub.js'
import { inboxCount } from '../../helpers/load.js'

const hub = useTestHub()

const bodies = {
  'malformed JSON': Buffer.from('{"detail": {"NotificationType": "ORDER_CHANGE", '),
  'deeply nested JSON': Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)),
  // Just under MAX_BODY_BYTES (1 MiB), so the body is read and the credentials decide.
  'huge body': Buffer.from(
    `{"a":[${Array.from({ length: 60_000 }, () => '1234567890123456').join(',')}]}`,
  ),
}

/** A wrong credential where the channel has a header for it, and none at all. */
const wrongCredentials: Record<string, Record<string, string>[]> = {
  shopify: [
    { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'AAAA' },
    { 'x-shopify-topic': 'orders/create' },
  ],
  amazon: [{ 'x-api-key': 'guessed-key' }, {}],
  walmart: [{ authorization: 'Basic Z3Vlc3M6Z3Vlc3M=' }, {}],
  'tiktok-shop': [{ authorization: 'deadbeef' }, {}],
}

const storedWebhooks = () => inboxCount(hub.deps.db)

describe('unauthenticated webhooks', () => {
  const cases = CHANNEL_IDS.flatMap((channel) =>
    Object.keys(bodies).map((kind) => [channel, kind] as const),
  )
  it.each(cases)('%s, %s: 401, nothing stored', async (channel, kind) => {
    const body = bodies[kind as keyof typeof bodies]
    expect(body.length).toBeLessThan(hub.config.http.maxBodyBytes)
    for (const headers of wrongCredentials[channel]!) {
      const res = await hub.app.request(`/webhooks/${channel}/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
      expect(res.status, JSON.stringify(headers)).toBe(401)
    }
    expect(await storedWebhooks()).toBe(0)
    expect((await hub.app.request('/healthz')).status).toBe(200)
  })
})
