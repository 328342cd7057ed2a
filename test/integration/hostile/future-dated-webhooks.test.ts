// De-risks webhooks dated in the future: TikTok Shop signs its whole body, timestamp included, but
// a body dated 30 days ahead (a forged clock, a sender's broken clock, or a body prepared to be
// replayed later) was accepted. It must be refused with TikTok's documented empty 401, counted and
// logged as `stale`, nothing stored; one inside the clock-skew tolerance is still accepted; and
// the hub serves on. Uses a recorded TikTok body, re-signed with the sandbox secret.
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { MAX_CLOCK_SKEW_MS } from '../../../connectors/tiktok-shop/verify.js'
import { webhookHeaders as tiktokShopHeaders } from '../../../src/sandbox/tiktok-shop/sign.js'
import { withTimestamp } from '../../helpers/tiktok-shop-webhooks.js'
import { loadFixture } from '../../helpers/fixtures.js'
import { useTestHub } from '../../helpers/hub.js'

// The sandbox demo account's published values (connectors/tiktok-shop/index.ts).
const APP_KEY = 'sandbox-tiktok-app-key'
const APP_SECRET = 'sandbox-tiktok-app-secret'
const EXAMPLE = loadFixture('tiktok-shop', 'ORDER_STATUS_CHANGE/awaiting-shipment').body

const hub = useTestHub()

beforeEach(async () => {
  await sql`truncate inbox_message, inbox_dedupe cascade`.execute(hub.deps.db)
})

/** TikTok's example, re-dated `secondsAhead` from now, with its own notification id. */
function bodyDated(secondsAhead: number, notificationId: string): string {
  const at = Math.floor(Date.now() / 1000) + secondsAhead
  return withTimestamp(EXAMPLE, at).replace(
    /"tts_notification_id":\s*"\d+"/,
    `"tts_notification_id": "${notificationId}"`,
  )
}

const post = (body: string) =>
  hub.app.request('/webhooks/tiktok-shop/demo', {
    method: 'POST',
    headers: tiktokShopHeaders(body, APP_KEY, APP_SECRET),
    body,
  })

async function storedIds(): Promise<string[]> {
  const rows = await hub.deps.db.selectFrom('inbox_message').select('dedupe_key').execute()
  return rows.map((r) => r.dedupe_key)
}

async function staleRefusals(): Promise<number> {
  const metrics = await hub.deps.metrics.render()
  const line = metrics
    .split('\n')
    .find((l) =>
      /^hub_webhook_verification_failures_total\{.*channel="tiktok-shop".*reason="stale"/.test(l),
    )
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('a correctly signed TikTok Shop body dated in the future', () => {
  it('30 days ahead: empty 401, counted as stale, nothing stored; the hub serves on', async () => {
    const before = await staleRefusals()
    const res = await post(bodyDated(30 * 86_400, '9000000000000000001'))
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('') // TikTok documents an empty body for 401 (channels.md §4 A3)
    expect(await staleRefusals()).toBe(before + 1)
    expect(await storedIds()).toEqual([])

    const now = await post(bodyDated(0, '9000000000000000002'))
    expect(now.status).toBe(200)
    expect(await storedIds()).toEqual(['9000000000000000002'])
  })

  it('just beyond the tolerance is refused; a sender clock a minute ahead is accepted', async () => {
    const beyond = await post(bodyDated(MAX_CLOCK_SKEW_MS / 1000 + 60, '9000000000000000003'))
    expect(beyond.status).toBe(401)
    const ahead = await post(bodyDated(60, '9000000000000000004'))
    expect(ahead.status).toBe(200)
    expect(await storedIds()).toEqual(['9000000000000000004'])
  })
})
