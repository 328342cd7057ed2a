/**
 * Amazon SNS HTTPS message signatures (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
 *
 * - SignatureVersion `1`: base64 SHA1withRSA; `2`: base64 SHA256withRSA.
 * - Signed text: the message's keys below, in byte order, each as `Key\nValue\n`, values as
 *   parsed from the JSON (escapes undone):
 *   Notification: Message, MessageId, Subject (only if present), Timestamp, TopicArn, Type;
 *   SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
 *   Timestamp, Token, TopicArn, Type.
 * - The certificate comes from `SigningCertURL`, fetched only if it is https on the default port,
 *   with no user info, query or fragment, its path ends in `.pem` and its host is an SNS regional
 *   endpoint: `sns.<region>.amazonaws.com`, or `sns.cn-<…>.amazonaws.com.cn` in the China
 *   partition (regional endpoints: https://docs.aws.amazon.com/general/latest/gr/sns.html; the
 *   China partition's verification page: https://docs.amazonaws.cn/en_us/sns/latest/dg/sns-verify-signature-of-message.html).
 *   The region must look like one (`us-east-1`, `us-gov-west-1`), so S3 names such as
 *   `sns.s3-us-west-2.amazonaws.com` (a bucket called `sns`) are not SNS. `SubscribeURL` gets the
 *   same host check before the hub follows it. The fetched certificate is then checked in
 *   sns-certificate.ts.
 * Pure, except `verifySnsSignature`'s use of node:crypto.
 */
import { createVerify } from 'node:crypto'

/** `<area>[-gov]-<direction>-<n>`: every AWS commercial, GovCloud and China region id. */
const REGION = '[a-z]{2}(?:-gov)?-[a-z]+-[0-9]{1,2}'
const SNS_HOST = new RegExp(`^sns\\.(${REGION})\\.amazonaws\\.com$`)
const SNS_CN_HOST = /^sns\.(cn-[a-z]+-[0-9]{1,2})\.amazonaws\.com\.cn$/

/** The region of an SNS regional endpoint host, and whether it is in the China partition. */
export function snsEndpointRegion(
  host: string,
): { readonly region: string; readonly china: boolean } | undefined {
  const china = SNS_CN_HOST.exec(host)
  if (china) return { region: china[1]!, china: true }
  const region = SNS_HOST.exec(host)?.[1]
  // China regions exist only under .com.cn.
  return region && !region.startsWith('cn-') ? { region, china: false } : undefined
}

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
      snsEndpointRegion(parsed.hostname) !== undefined &&
      parsed.port === '' &&
      parsed.username === '' &&
      parsed.password === ''
    )
  } catch {
    return false
  }
}

/** A `SigningCertURL` the hub may fetch: an SNS service URL with a `.pem` path and nothing after it. */
export function isSigningCertUrl(url: unknown): url is string {
  if (!isSnsServiceUrl(url)) return false
  const parsed = new URL(url)
  return parsed.pathname.endsWith('.pem') && parsed.search === '' && parsed.hash === ''
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
