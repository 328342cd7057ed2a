// SNS signing keys for tests: a key and a certificate for it made for the test run, issued by a
// test CA that tests hand the hub as its only trusted root (the chain check stays on), and a signer
// that signs with that key through Amazon's one signer (src/sandbox/amazon/sign.ts). Issuing
// certificates needs `selfsigned` (a dev dependency; node:crypto cannot issue them), so this part
// stays with the tests.
import { X509Certificate } from 'node:crypto'
import { generate } from 'selfsigned'
import { signSnsMessage } from '../../src/sandbox/amazon/sign.js'

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
  /**
   * The SNS message (a parsed body) signed with this key under `version`, its SigningCertURL
   * {@link TEST_CERT_URL}; `overrides` change fields (SigningCertURL included) before signing.
   */
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
    keySize: 1024,
    algorithm: 'sha256',
    notBeforeDate: opts.validity?.from ?? new Date(Date.now() - HOUR_MS),
    ...(opts.validity ? { notAfterDate: opts.validity.to } : {}),
    ca: { key: issuer.privateKeyPem, cert: issuer.certificatePem },
  })
  return {
    certificatePem: pems.cert,
    sign: (message, version, overrides = {}) =>
      signSnsMessage(
        { ...message, SignatureVersion: version, SigningCertURL: TEST_CERT_URL, ...overrides },
        pems.private,
      ),
  }
}
