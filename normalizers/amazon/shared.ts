/**
 * Small helpers shared by the Amazon mappings, and where a notification sits in each of the three
 * envelopes (connectors/amazon/envelope.ts): issues name the path in the posted body, so a bad
 * field of an EventBridge event reads `detail.Payload.Sku`, of an SNS message whose `Message`
 * holds the event `Message.detail.Payload.Sku` (a path into the parsed `Message` text), and of a
 * bare notification `Payload.Sku`.
 */
import type { z } from 'zod'
import { unwrapAmazon } from '../../connectors/amazon/index.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { invalid, type Path } from '../shared/result.js'

export { done, invalid, located, text, type Path } from '../shared/result.js'
export { latest } from '../shared/time.js'

export type Located =
  | {
      readonly ok: true
      readonly notification: Readonly<Record<string, unknown>>
      readonly at: Path
    }
  | { readonly ok: false; readonly result: NormalizeResult }

const refused = (issue: string): Located => ({
  ok: false,
  result: { kind: 'invalid', issues: [issue] },
})

/** The notification inside the body, with its path; `invalid` when the body holds none. */
export function locateNotification(body: unknown): Located {
  const envelope = unwrapAmazon(body)
  if (!envelope) {
    return refused(
      '(body): not an EventBridge event, an SNS message or an SP-API notification (no NotificationType)',
    )
  }
  switch (envelope.transport) {
    case 'bare':
      return { ok: true, notification: envelope.notification, at: [] }
    case 'eventbridge':
      return envelope.notification
        ? { ok: true, notification: envelope.notification, at: ['detail'] }
        : refused('detail: expected an SP-API notification object')
    case 'sns':
      if (envelope.eventBridge) {
        return envelope.notification
          ? { ok: true, notification: envelope.notification, at: ['Message', 'detail'] }
          : refused('Message.detail: expected an SP-API notification object')
      }
      return envelope.notification
        ? { ok: true, notification: envelope.notification, at: ['Message'] }
        : refused(
            `Message: the SNS ${envelope.snsType} holds no SP-API notification (nor an EventBridge event)`,
          )
  }
}

/**
 * A handler that finds the notification, parses it with `schema` and maps it; `map` gets the
 * notification's path for its own issues. A notification that does not match is `invalid`.
 */
export function notificationOf<T>(
  schema: z.ZodType<T>,
  map: (notification: T, at: Path, input: NormalizeInput) => NormalizeResult,
): (input: NormalizeInput) => NormalizeResult {
  return (input) => {
    const found = locateNotification(input.body)
    if (!found.ok) return found.result
    const parsed = schema.safeParse(found.notification)
    return parsed.success
      ? map(parsed.data, found.at, input)
      : invalid(parsed.error.issues, found.at)
  }
}
