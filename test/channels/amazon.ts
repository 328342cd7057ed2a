// Test-side Amazon delivery: the static header an EventBridge connection adds, and SNS message
// signing with a key and certificate generated for the test run, issued by a test CA that tests
// hand the hub as its only trusted root (the chain check stays on). Written independently of
// connectors/amazon/{verify,sns,sns-certificate}.ts (plain node:crypto and selfsigned), so a bug
// in the verifier cannot be cancelled out by the same bug here.
import { createSign, X509Certificate } from 'node:crypto'
import { generate } from 'selfsigned'
import type { InboundRequest } from '../../connectors/types.js'

export const AMAZON_URL = 'http://hub.test/webhooks/amazon/demo'
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:sp-api-notifications'
export const TEST_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem'

/** A certificate authority made for the test run, trusted by the hub in place of the system roots. */
export interface TestCa {
  readonly certificatePem: string
  readonly privateKeyPem: string
  readonly certificate: X509Certificate
}

const HOUR_MS = 3_600_000

/** A fresh CA (or, with `ca`, an intermediate CA issued by it). */
export async function createTestCa(name = 'Hub Test SNS Root', ca?: TestCa): Promise<TestCa> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    // 1024 bits: the checks under test do not depend on key strength, and 2048-bit keys
    // generated in JavaScript cost seconds of CPU per certificate.
    keySize: 1024,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - HOUR_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
    ...(ca ? { ca: { key: ca.privateKeyPem, cert: ca.certificatePem } } : {}),
  })
  return {
    certificatePem: pems.cert,
    privateKeyPem: pems.private,
    certificate: new X509Certificate(pems.cert),
  }
}

let shared: Promise<TestCa> | undefined
/** The CA the default signers are issued by: hand `[ (await sharedTestCa()).certificate ]` to the hub. */
export function sharedTestCa(): Promise<TestCa> {
  shared ??= createTestCa()
  return shared
}

export interface SnsSigner {
  /** The signing certificate alone (leaf), as SNS serves it. */
  readonly certificatePem: string
  /** Re-signs an SNS message (a parsed body) with this key; `overrides` change fields first. */
  sign(
    message: Record<string, unknown>,
    version: '1' | '2',
    overrides?: Record<string, unknown>,
  ): string
}

/**
 * A fresh RSA key and a certificate for it, standing in for SNS's signing certificate: issued to
 * `sns.amazonaws.com` by `issuer` (default: the shared test CA), valid from an hour ago for a year
 * unless `validity` says otherwise.
 */
export async function createSnsSigner(
  opts: {
    readonly issuer?: TestCa
    readonly name?: string
    readonly validity?: { readonly from: Date; readonly to: Date }
  } = {},
): Promise<SnsSigner> {
  const issuer = opts.issuer ?? (await sharedTestCa())
  const pems = await generate([{ name: 'commonName', value: opts.name ?? 'sns.amazonaws.com' }], {
    // 1024 bits: the checks under test do not depend on key strength, and 2048-bit keys
    // generated in JavaScript cost seconds of CPU per certificate.
    keySize: 1024,
    algorithm: 'sha256',
    notBeforeDate: opts.validity?.from ?? new Date(Date.now() - HOUR_MS),
    ...(opts.validity ? { notAfterDate: opts.validity.to } : {}),
    ca: { key: issuer.privateKeyPem, cert: issuer.certificatePem },
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
