/**
 * Amazon SNS HTTPS message signatures (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
 *
 * - SignatureVersion `1`: base64 SHA1withRSA; `2`: base64 SHA256withRSA.
 * - Signed text: the message's keys below, in byte order, each as `Key\nValue\n`, values as
 *   parsed from the JSON (escapes undone):
 *   Notification: Message, MessageId, Subject (only if present), Timestamp, TopicArn, Type;
 *   SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
 *   Timestamp, Token, TopicArn, Type.
 * - The certificate comes from `SigningCertURL`, fetched only if it is https, its path ends in
 *   `.pem` and its host is `sns.<region>.amazonaws.com(.cn)`; `SubscribeURL` gets the same host
 *   check before the hub follows it. (Key lists and host pattern as in aws/aws-js-sns-message-validator.)
 * Pure, except `verifySnsSignature`'s use of node:crypto.
 */
import { createVerify } from 'node:crypto'

const SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/

const SIGNED_KEYS: Readonly<Record<string, readonly string[]>> = {
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
  UnsubscribeConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
}

const ALGORITHMS: Readonly<Record<string, string>> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' }

/** An https URL on an SNS service host (`sns.<region>.amazonaws.com`, or `.com.cn`). */
export function isSnsServiceUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false
  try {
    const parsed = new URL(url)
    return (
      parsed.protocol === 'https:' &&
      SNS_HOST.test(parsed.hostname) &&
      parsed.port === '' &&
      parsed.username === '' &&
      parsed.password === ''
    )
  } catch {
    return false
  }
}

/** A `SigningCertURL` the hub may fetch: an SNS service URL whose path ends in `.pem`. */
export function isSigningCertUrl(url: unknown): url is string {
  return isSnsServiceUrl(url) && new URL(url).pathname.endsWith('.pem')
}

/** The text SNS signed, or undefined for a message type or field that cannot be signed. */
export function snsStringToSign(message: Readonly<Record<string, unknown>>): string | undefined {
  const keys = typeof message.Type === 'string' ? SIGNED_KEYS[message.Type] : undefined
  if (!keys) return undefined
  let text = ''
  for (const key of keys) {
    const value = message[key]
    if (value === undefined && key === 'Subject') continue
    if (typeof value !== 'string') return undefined
    text += `${key}\n${value}\n`
  }
  return text
}

/** True when `Signature` verifies with the certificate, for SignatureVersion 1 or 2. */
export function verifySnsSignature(
  message: Readonly<Record<string, unknown>>,
  certificatePem: string,
): boolean {
  const algorithm = ALGORITHMS[String(message.SignatureVersion)]
  const text = snsStringToSign(message)
  const signature = message.Signature
  if (!algorithm || text === undefined || typeof signature !== 'string') return false
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false
  try {
    return createVerify(algorithm).update(text, 'utf8').verify(certificatePem, signature, 'base64')
  } catch {
    // An unreadable certificate or key type: not a valid signature.
    return false
  }
}
