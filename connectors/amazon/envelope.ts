/**
 * The three ways an SP-API notification reaches the hub, and how to get at it (channels.md §2 A1):
 *
 * - `eventbridge`: an EventBridge API destination posts the whole event
 *   `{ version, id, 'detail-type', source, account, time, region, resources, detail }`; the
 *   notification is `detail`.
 * - `sns`: an SNS HTTPS subscription posts `{ Type, MessageId, TopicArn, Message, Timestamp,
 *   SignatureVersion, Signature, SigningCertURL, … }` (as text/plain); `Message` is a JSON string
 *   holding the EventBridge event or the notification itself. Subscription confirmations carry
 *   no notification.
 * - `bare`: EventBridge Pipes from the SQS queue with an input transformer posts the notification.
 *
 * Notifications use PascalCase (`NotificationType`, `Payload`, `NotificationMetadata`) for the
 * order and inventory types and camelCase for some newer ones; both are read.
 * Pure: no I/O; used by ingress (to verify and find the dedupe key) and by the normalizer.
 */
import { parseJsonBody } from '../../src/json.js'

type Json = Readonly<Record<string, unknown>>

export interface EventBridgeEvent {
  readonly detailType: string | undefined
  readonly source: string | undefined
  readonly account: string | undefined
  readonly time: string | undefined
}

export type AmazonEnvelope =
  | {
      readonly transport: 'sns'
      readonly sns: Json
      /** The SNS message type: `Notification`, `SubscriptionConfirmation`, `UnsubscribeConfirmation`. */
      readonly snsType: string
      /** The EventBridge event inside `Message`, when there is one. */
      readonly eventBridge: EventBridgeEvent | undefined
      /** The notification inside `Message` (directly or in the event's `detail`); absent for confirmations. */
      readonly notification: Json | undefined
    }
  | {
      readonly transport: 'eventbridge'
      readonly eventBridge: EventBridgeEvent
      readonly notification: Json | undefined
    }
  | { readonly transport: 'bare'; readonly notification: Json }

/** Recognizes the envelope of a parsed body; undefined when it is none of the three. */
export function unwrapAmazon(body: unknown): AmazonEnvelope | undefined {
  const json = asObject(body)
  if (!json) return undefined
  if (isSnsMessage(json)) {
    const snsType = String(json.Type)
    const inner = typeof json.Message === 'string' ? parseMessage(json.Message) : undefined
    const eventBridge = inner && isEventBridgeEvent(inner) ? eventOf(inner) : undefined
    const notification = inner
      ? eventBridge
        ? asObject(inner.detail)
        : isNotification(inner)
          ? inner
          : undefined
      : undefined
    return { transport: 'sns', sns: json, snsType, eventBridge, notification }
  }
  if (isEventBridgeEvent(json)) {
    return {
      transport: 'eventbridge',
      eventBridge: eventOf(json),
      notification: asObject(json.detail),
    }
  }
  if (isNotification(json)) return { transport: 'bare', notification: json }
  return undefined
}

/** `NotificationType` (PascalCase) or `notificationType` (camelCase). */
export function notificationType(notification: Json): string | undefined {
  return text(notification.NotificationType ?? notification.notificationType)
}

/** `NotificationMetadata.NotificationId`, either case: the dedupe key. */
export function notificationId(notification: Json): string | undefined {
  const metadata = asObject(notification.NotificationMetadata ?? notification.notificationMetadata)
  return text(metadata?.NotificationId ?? metadata?.notificationId)
}

/** `EventTime` / `eventTime`: when the change happened at Amazon. */
export function eventTime(notification: Json): string | undefined {
  return text(notification.EventTime ?? notification.eventTime)
}

/** `Payload` / `payload`. */
export function notificationPayload(notification: Json): Json | undefined {
  return asObject(notification.Payload ?? notification.payload)
}

function isSnsMessage(json: Json): boolean {
  return (
    typeof json.Type === 'string' &&
    typeof json.TopicArn === 'string' &&
    typeof json.MessageId === 'string' &&
    'SignatureVersion' in json
  )
}

function isEventBridgeEvent(json: Json): boolean {
  return typeof json['detail-type'] === 'string' && 'detail' in json
}

function isNotification(json: Json): boolean {
  return notificationType(json) !== undefined
}

function eventOf(json: Json): EventBridgeEvent {
  return {
    detailType: text(json['detail-type']),
    source: text(json.source),
    account: text(json.account),
    time: text(json.time),
  }
}

/** `Message` is JSON text; parsed losslessly like a body. Not JSON: no inner content. */
function parseMessage(message: string): Json | undefined {
  try {
    return asObject(parseJsonBody(message))
  } catch {
    return undefined
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}
