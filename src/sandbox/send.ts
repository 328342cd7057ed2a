import { request } from 'undici'
import type { SignedWebhook } from './types.js'
import { countedFate, type WebhookFaults } from './webhook-faults.js'

/** Posts a webhook to the hub exactly as built (the body's bytes are the signed ones); returns the status. */
export async function sendWebhook(hubUrl: string, webhook: SignedWebhook): Promise<number> {
  const res = await request(new URL(webhook.path, hubUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...webhook.headers },
    body: webhook.body,
  })
  await res.body.dump()
  return res.statusCode
}

/**
 * The copies of `webhook` the channel sends after its counted webhook faults: none when the next
 * send is to be dropped, two when it is to be duplicated, else one. Rates are not applied here (a
 * caller that sends at once cannot delay): the dispatcher (dispatch.ts) applies both.
 */
export function sentCopies(faults: WebhookFaults, webhook: SignedWebhook): SignedWebhook[] {
  const fate = countedFate(faults)
  if (fate?.kind === 'drop') return []
  if (fate?.kind === 'duplicate') return [webhook, webhook]
  return [webhook]
}
