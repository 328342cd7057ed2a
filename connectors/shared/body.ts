import { createHash } from 'node:crypto'
import { decodeJsonBody } from '../../src/json.js'

/**
 * The inbox topic of a signed body the hub cannot read (not UTF-8 JSON, or no envelope). It is
 * accepted and kept, so the inbox shows it as failed and it can be replayed after a fix, instead
 * of the channel retrying a body that will never change; its normalizer records it as invalid.
 */
export const UNREADABLE_TOPIC = 'UNREADABLE'

/** A dedupe key from the body itself, for deliveries that carry no id of their own. */
export function bodyDigestKey(rawBody: Uint8Array): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`
}

/** A channel id as a string: strings as given, safe integers in decimal; anything else absent. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}

/**
 * The body as a JSON object, parsed losslessly (ids beyond 2^53 keep every digit), for the few
 * envelope fields ingress reads; undefined when it is not one. The normalizer validates the rest.
 */
export function readJsonObject(rawBody: Uint8Array): Readonly<Record<string, unknown>> | undefined {
  const parsed = decodeJsonBody(rawBody)
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined
  if (Array.isArray(parsed.value)) return undefined
  return parsed.value as Record<string, unknown>
}
