import { request } from 'undici'
import type { SignedWebhook, WebhookFaults } from './types.js'

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
 * The copies of `webhook` the channel actually sends, after its webhook faults: none when the
 * next send is to be dropped, two when it is to be duplicated, else one.
 */
export function sentCopies(faults: WebhookFaults, webhook: SignedWebhook): SignedWebhook[] {
  if (faults.drop > 0) {
    faults.drop -= 1
    return []
  }
  if (faults.duplicate > 0) {
    faults.duplicate -= 1
    return [webhook, webhook]
  }
  return [webhook]
}
