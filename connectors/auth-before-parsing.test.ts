// An unauthenticated webhook must cost a credential check, not a parse of its body: Amazon's
// API-key mode parsed the body first, so anyone could make the hub parse 1 MiB of JSON per request
// without a key. Every channel's verify is timed against parsing the same body: refusing must take
// a small fraction of it. (A parse cannot be observed otherwise without mocking our own modules.)
import { describe, expect, it } from 'vitest'
import { CHANNEL_IDS } from '../src/events/index.js'
import { readJsonObject } from './shared/body.js'
import { connectors } from './index.js'
import type { AnyConnector, InboundRequest } from './types.js'

/** About 0.9 MB of JSON with 16-digit numbers, the slowest kind to parse (lossless). */
const items = Array.from({ length: 55_000 }, () => '1234567890123456').join(',')
const heavy = Buffer.from(`{"detail":{"NotificationType":"ORDER_CHANGE","a":[${items}]}}`)

/** The fastest of a few runs, so a busy machine's pauses do not decide. */
function fastestMs(run: () => void): number {
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    run()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

/** What each channel sees from a caller without credentials (and, where it has a header, a wrong one). */
const unauthenticated: Record<string, Readonly<Record<string, string>>[]> = {
  shopify: [
    { 'x-shopify-topic': 'orders/create' },
    { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'AAAA' },
  ],
  amazon: [{}, { 'x-api-key': 'guessed-key' }],
  walmart: [{}, { authorization: 'Basic Z3Vlc3M6Z3Vlc3M=' }],
  'tiktok-shop': [{}, { authorization: 'deadbeef' }],
}

describe('authentication before parsing', () => {
  const parseMs = fastestMs(() => readJsonObject(heavy))

  it.each(CHANNEL_IDS)('%s refuses an unauthenticated body without parsing it', (channel) => {
    const connector = connectors[channel] as AnyConnector
    const credentials = connector.sandboxCredentials('http://emulator.test')
    for (const headers of unauthenticated[channel]!) {
      const req: InboundRequest = {
        rawBody: heavy,
        headers: { 'content-type': 'application/json', ...headers },
        url: `http://hub.test/webhooks/${channel}/demo`,
        method: 'POST',
      }
      const ctx = { credentials, now: new Date() }
      const outcome = connector.ingress.verify(req, ctx)
      expect(outcome.ok, JSON.stringify(headers)).toBe(false)
      const verifyMs = fastestMs(() => connector.ingress.verify(req, ctx))
      // An HMAC over the body is fine (it is the check); a parse is several times slower.
      expect(verifyMs, `verify ${verifyMs} ms vs parse ${parseMs} ms`).toBeLessThan(parseMs / 4)
    }
  })
})
