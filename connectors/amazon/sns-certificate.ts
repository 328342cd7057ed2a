/**
 * Whether a certificate fetched from a `SigningCertURL` is SNS's signing certificate, as AWS asks
 * ("Check that the certificate is issued by Amazon SNS. Confirm that the certificate's chain of
 * trust is valid.": https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 *
 * - Name: the certificate's DNS names (its subject CN when it has none) include the SNS signing
 *   name for the URL's region, as AWS's own validator resolves it (aws/aws-sdk-java-v2,
 *   services-custom/sns-message-manager, SnsHostProvider.java): `sns.amazonaws.com`, or
 *   `sns-signing.<region>.amazonaws.com` for regions launched since 2019 (both accepted for any
 *   commercial region, as both can only be issued to Amazon); `sns-us-gov-west-1.amazonaws.com`
 *   in GovCloud; `sns-<region>.amazonaws.com.cn` in China. No wildcards.
 * - Time: valid now, like every certificate above it.
 * - Chain: to one of the given roots, through the intermediates served after the leaf or Amazon's
 *   published ones (SNS serves the leaf alone; sns-intermediates.ts).
 * Pure: the roots and the time are arguments.
 */
import { X509Certificate } from 'node:crypto'
import { chainProblem, parsePemCertificates } from '../shared/certificate-chain.js'
import type { CertificateCheckContext, CertificateVerdict } from '../types.js'
import { snsEndpointRegion } from './sns.js'
import { AMAZON_RSA_2048_INTERMEDIATES } from './sns-intermediates.js'

let amazonIntermediates: readonly X509Certificate[] | undefined

export function checkSnsCertificate(pem: string, ctx: CertificateCheckContext): CertificateVerdict {
  const names = signingNames(ctx.url)
  if (names.length === 0) return refuse(`${ctx.url} is not an SNS certificate URL`)
  const parsed = parsePemCertificates(pem)
  if (!parsed.ok) return parsed
  const [leaf, ...served] = parsed.certs
  if (!leaf) return refuse('no certificate')
  if (!names.some((name) => leaf.checkHost(name, { wildcards: false }) === name)) {
    return refuse(
      `certificate is issued to ${leaf.subjectAltName ?? oneLine(leaf.subject)}, not ${names.join(' or ')}`,
    )
  }
  amazonIntermediates ??= AMAZON_RSA_2048_INTERMEDIATES.map((text) => new X509Certificate(text))
  const problem = chainProblem(leaf, [...served, ...amazonIntermediates], ctx.roots, ctx.now)
  if (problem) return refuse(problem)
  return { ok: true, pem: leaf.toString(), notAfter: new Date(leaf.validTo) }
}

/** The names SNS's certificate may carry for a certificate URL; none for a URL off SNS. */
export function signingNames(url: string): readonly string[] {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return []
  }
  const endpoint = snsEndpointRegion(host)
  if (!endpoint) return []
  const { region, china } = endpoint
  if (china) return [`sns-${region}.amazonaws.com.cn`]
  if (region.startsWith('us-gov-')) return ['sns-us-gov-west-1.amazonaws.com']
  return ['sns.amazonaws.com', `sns-signing.${region}.amazonaws.com`]
}

function oneLine(name: string): string {
  return name.split('\n').join(', ')
}

function refuse(reason: string): CertificateVerdict {
  return { ok: false, reason }
}
