import { request } from 'undici'
import type { SignedWebhook } from './types.js'

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
