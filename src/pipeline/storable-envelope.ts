import { createHash } from 'node:crypto'
import type { VerifiedEnvelope } from '../../connectors/index.js'
import { hasUnstorableChar, storableTime, visibleText } from '../storable.js'

/**
 * Longest dedupe key stored as given. The key is in a unique btree index, whose entries PostgreSQL
 * caps at about a third of a page (2,704 bytes with 8 KiB pages,
 * https://www.postgresql.org/docs/current/btree.html#BTREE-IMPLEMENTATION); real channel ids are
 * under 100 characters, so anything near the cap is stored as its digest instead.
 */
const MAX_DEDUPE_KEY_CHARS = 512

/** The inbox fields of a verified webhook, as PostgreSQL can store them. */
export interface StorableEnvelope {
  readonly dedupeKey: string
  readonly topic: string
  readonly channelTime: Date | undefined
  /**
   * Why the webhook is kept but not processed (its id or type holds what no channel sends and
   * PostgreSQL cannot store); undefined for an ordinary webhook.
   */
  readonly failure?: string
}

/**
 * Decides, field by field, how a verified webhook's envelope is stored, so that one authentic
 * webhook the database cannot take as given never fails its intake batch (which answers 503 and
 * makes the channel resend the same bytes forever):
 * - a dedupe key holding U+0000 (or half a surrogate pair) is stored as its digest (a resend of it is still a duplicate) and
 *   the message is kept `failed` with the reason, for an operator; an over-long one is only
 *   digested, since nothing about it is wrong but its length;
 * - a topic holding either is stored with it made visible (␀, U+FFFD) and the message kept `failed`;
 * - a channel time PostgreSQL cannot hold is left out: it is informational, and the body keeps it.
 */
export function storableEnvelope(verified: VerifiedEnvelope): StorableEnvelope {
  const problems: string[] = []
  const keyUnstorable = hasUnstorableChar(verified.dedupeKey)
  if (keyUnstorable)
    problems.push(`the webhook's id contains U+0000 (NUL) or an unpaired surrogate`)
  const dedupeKey =
    keyUnstorable || verified.dedupeKey.length > MAX_DEDUPE_KEY_CHARS
      ? digestKey(verified.dedupeKey)
      : verified.dedupeKey
  if (hasUnstorableChar(verified.topic))
    problems.push(`the webhook's event type contains U+0000 (NUL) or an unpaired surrogate`)
  const time = verified.channelTime
  return {
    dedupeKey,
    topic: visibleText(verified.topic),
    channelTime: time && storableTime(time) ? time : undefined,
    ...(problems.length > 0
      ? { failure: `${problems.join('; ')}, which PostgreSQL cannot store: kept, not processed` }
      : {}),
  }
}

function digestKey(key: string): string {
  return `id-sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`
}
