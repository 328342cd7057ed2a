import type { Kysely } from 'kysely'
import { getInboxMessage, listInboxEvents } from '../db/repos/inbox-search.js'
import type { Database, InboxMessage } from '../db/schema.js'
import { wireEvent } from '../events/index.js'

/**
 * Header names that can authenticate a request. Intake already masks these before storing (and
 * each connector's own credential headers too); they are masked again here so a row written by an
 * older version, or by hand, cannot leak a signature through the admin API.
 */
const CREDENTIAL_HEADER =
  /authori[sz]ation|signature|hmac|token|secret|cookie|api-?key|password|credential|x-amz-security/i
export const MASKED = '[masked]'

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      CREDENTIAL_HEADER.test(name) ? MASKED : value,
    ]),
  )
}

/** The body as text when it is valid UTF-8; otherwise base64 of the exact bytes (and no text). */
export function bodyView(raw: Buffer): { readonly text: string | null; readonly base64?: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(raw) }
  } catch {
    return { text: null, base64: raw.toString('base64') }
  }
}

/** A message's envelope and outcome, as search results list it. */
export function messageSummary(m: Omit<InboxMessage, 'headers' | 'raw_body' | 'redacted_at'>) {
  return {
    id: m.id,
    channel: m.channel,
    account: m.account_id,
    topic: m.topic,
    dedupeKey: m.dedupe_key,
    channelTime: m.channel_time?.toISOString() ?? null,
    receivedAt: m.received_at.toISOString(),
    processedAt: m.processed_at?.toISOString() ?? null,
    status: m.status,
    outcome: m.outcome,
  }
}

/**
 * One inbox message as an operator sees it: envelope, outcome, masked headers, body, events (each
 * as subscribers get it, `dataschema` built on `publicUrl`).
 */
export async function showInboxMessage(db: Kysely<Database>, id: string, publicUrl: string) {
  const m = await getInboxMessage(db, id)
  if (!m) return undefined
  const events = await listInboxEvents(db, id)
  const body = bodyView(m.raw_body)
  return {
    ...messageSummary(m),
    redactedAt: m.redacted_at?.toISOString() ?? null,
    headers: maskHeaders(m.headers),
    body: body.text,
    ...(body.base64 !== undefined ? { bodyBase64: body.base64 } : {}),
    bodyBytes: m.raw_body.byteLength,
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      subject: e.subject,
      position: e.position,
      recordedAt: e.recorded_at.toISOString(),
      envelope: wireEvent(e.envelope, e.position, publicUrl),
    })),
  }
}
