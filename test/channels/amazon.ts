// Test-side Amazon delivery: the static header an EventBridge connection adds, and SNS message
// signing with a key and certificate generated for the test run. Written independently of
// connectors/amazon/{verify,sns}.ts (plain node:crypto and selfsigned), so a bug in the verifier
// cannot be cancelled out by the same bug here.
import { createSign } from 'node:crypto'
import { generate } from 'selfsigned'
import type { InboundRequest } from '../../connectors/types.js'

export const AMAZON_URL = 'http://hub.test/webhooks/amazon/demo'
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:sp-api-notifications'
export const TEST_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem'

export interface SnsSigner {
  readonly certificatePem: string
  /** Re-signs an SNS message (a parsed body) with this key; `overrides` change fields first. */
  sign(
    message: Record<string, unknown>,
    version: '1' | '2',
    overrides?: Record<string, unknown>,
  ): string
}

/** A fresh RSA key and self-signed certificate, as SNS's signing certificate stands in for. */
export async function createSnsSigner(): Promise<SnsSigner> {
  const pems = await generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], {
    keySize: 2048,
  })
  return {
    certificatePem: pems.cert,
    sign(message, version, overrides = {}) {
      const fields: Record<string, unknown> = {
        ...message,
        SignatureVersion: version,
        SigningCertURL: TEST_CERT_URL,
        ...overrides,
      }
      const order =
        fields.Type === 'Notification'
          ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
          : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
      const lines = order
        .filter((key) => fields[key] !== undefined)
        .map((key) => `${key}\n${String(fields[key])}\n`)
      const signer = createSign(version === '1' ? 'sha1' : 'sha256')
      signer.update(lines.join(''))
      fields.Signature = signer.sign(pems.private, 'base64')
      return JSON.stringify(fields)
    },
  }
}

/** A request as the ingress route hands it to `verify`. */
export function amazonRequest(body: string, headers: Record<string, string> = {}): InboundRequest {
  return {
    rawBody: Buffer.from(body, 'utf8'),
    headers: { 'content-type': 'application/json', ...headers },
    url: AMAZON_URL,
    method: 'POST',
  }
}

/** The SNS HTTPS headers for a signed message body. */
export function snsHeaders(body: string): Record<string, string> {
  const message = JSON.parse(body) as { Type: string; MessageId: string; TopicArn: string }
  return {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': message.Type,
    'x-amz-sns-message-id': message.MessageId,
    'x-amz-sns-topic-arn': message.TopicArn,
  }
}
