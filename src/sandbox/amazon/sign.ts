/**
 * How an Amazon notification is authenticated on its way to the hub, done as the sender does it:
 * the one signer for Amazon, used by the emulator's webhooks (webhooks.ts) and by every test that
 * posts an Amazon notification. Plain node:crypto, written from AWS's documentation and
 * independently of the hub's verifier (connectors/amazon/verify.ts, sns.ts), so a misreading
 * there is not cancelled out by the same misreading here. SP-API itself signs nothing
 * (channels.md §2 A2); the AWS service that carries the notification does:
 *
 * - An EventBridge API destination (or Pipe) adds its connection's static credential to every post,
 *   here an API key in a header of its own (channels.md §2 A1 (a)).
 * - An SNS HTTPS subscription signs each message with SNS's RSA key over a canonical string: for
 *   each signed field present, its name, a newline, its value, a newline, in this order —
 *   Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type; SubscriptionConfirmation
 *   and UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 *   SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA; `Signature` is base64
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html). The post's
 *   headers name the type, message id and topic (https://docs.aws.amazon.com/sns/latest/dg/http-header.html).
 *   The key is SNS's: tests make one with a certificate their hub trusts (test/helpers/sns-certificates.ts).
 */
import { createSign, type KeyLike } from 'node:crypto'

/** The static credential an EventBridge connection adds: a header name and the API key. */
export interface EventBridgeApiKey {
  readonly header: string
  readonly value: string
}

/** The headers an EventBridge API destination posts a notification with. */
export function eventBridgeHeaders(apiKey: EventBridgeApiKey): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Amazon/EventBridge/ApiDestinations',
    [apiKey.header]: apiKey.value,
  }
}

const SIGNED_FIELDS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
} as const

/**
 * An SNS message as SNS posts it (the JSON body): `message`'s fields, signed with `key` by the
 * `SignatureVersion` they name ('1' or '2'); `SigningCertURL` must be among them. A field set to
 * undefined is left out.
 */
export function signSnsMessage(message: Readonly<Record<string, unknown>>, key: KeyLike): string {
  const fields = Object.fromEntries(
    Object.entries(message).filter(([, value]) => value !== undefined),
  )
  const version = fields.SignatureVersion
  if (version !== '1' && version !== '2') {
    throw new Error(`SNS signs with SignatureVersion 1 or 2, not ${String(version)}`)
  }
  if (typeof fields.SigningCertURL !== 'string') throw new Error('SigningCertURL is required')
  const names =
    fields.Type === 'Notification'
      ? SIGNED_FIELDS.Notification
      : SIGNED_FIELDS.SubscriptionConfirmation
  const canonical = names
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${name}\n${String(fields[name])}\n`)
    .join('')
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
  signer.update(canonical, 'utf8')
  return JSON.stringify({ ...fields, Signature: signer.sign(key, 'base64') })
}

/** The headers SNS posts a signed message (`signSnsMessage`'s body) with. */
export function snsHeaders(body: string): Record<string, string> {
  const message = JSON.parse(body) as Record<string, unknown>
  return {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': String(message.Type),
    'x-amz-sns-message-id': String(message.MessageId),
    'x-amz-sns-topic-arn': String(message.TopicArn),
  }
}
