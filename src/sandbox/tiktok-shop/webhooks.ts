/**
 * Webhooks as the emulated TikTok shop sends them: TikTok's envelope `{ type, tts_notification_id,
 * shop_id, timestamp, data }` (channels.md §4 A5), signed the TikTok Shop way (sign.ts) with the
 * connector's published sandbox credentials.
 */
import { tiktokShop } from '../../../connectors/tiktok-shop/index.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { freshId, SHOP_ID } from './seller.js'
import { webhookHeaders } from './sign.js'

/** The sandbox app's key and the secret it signs with (the API base URL plays no part here). */
const { appKey, appSecrets } = tiktokShop.sandboxCredentials('http://emulator.invalid')
const appSecret = appSecrets[0] ?? ''

/** Unix seconds, as TikTok's bodies carry times. */
export function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000)
}

/** A signed webhook of `type` with `data`, fired at `at`, for the state's account. */
export function tiktokWebhook(
  state: ChannelState,
  type: number,
  data: Readonly<Record<string, unknown>>,
  at: Date,
): SignedWebhook {
  const body = JSON.stringify({
    type,
    tts_notification_id: freshId('757', at),
    shop_id: SHOP_ID,
    timestamp: unixSeconds(at),
    data,
  })
  return {
    path: `/webhooks/tiktok-shop/${encodeURIComponent(state.accountId)}`,
    headers: webhookHeaders(body, appKey, appSecret),
    body,
  }
}
