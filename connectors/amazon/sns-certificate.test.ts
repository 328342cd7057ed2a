// De-risks trusting a fetched SNS signing certificate: only a certificate issued to SNS's signing
// name, valid now, and chaining to a trusted root is accepted. AWS's real certificate passes with
// the system roots and Amazon's published intermediates; certificates made here are refused
// unless their CA is handed in as the trusted root (the chain check is never switched off).
import { X509Certificate } from 'node:crypto'
import { rootCertificates } from 'node:tls'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  REAL_SNS_CERTIFICATE,
  REAL_SNS_NOTIFICATION,
  REAL_SNS_SIGNED_AT,
} from '../../test/samples/amazon/aws-sns-real.js'
import { createSnsSigner, createTestCa, type TestCa } from '../../test/helpers/sns-certificates.js'
import { checkSnsCertificate, signingNames } from './sns-certificate.js'
import { verifySnsSignature } from './sns.js'

const URL_US = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem'
const systemRoots = rootCertificates.map((pem) => new X509Certificate(pem))

describe('AWS’s real signing certificate', () => {
  const url = REAL_SNS_NOTIFICATION.SigningCertURL!

  it('is trusted with the system roots, and its key verifies the real notification', () => {
    const verdict = checkSnsCertificate(REAL_SNS_CERTIFICATE, {
      url,
      now: REAL_SNS_SIGNED_AT,
      roots: systemRoots,
    })
    expect(verdict).toMatchObject({ ok: true, notAfter: new Date('2026-10-14T23:59:59Z') })
    if (!verdict.ok) return
    expect(verifySnsSignature(REAL_SNS_NOTIFICATION, verdict.pem)).toBe(true)
    const altered = { ...REAL_SNS_NOTIFICATION, Message: 'This message was changed.' }
    expect(verifySnsSignature(altered, verdict.pem)).toBe(false)
  })

  it('is refused once expired, and by a store without Amazon Root CA 1', () => {
    const expired = checkSnsCertificate(REAL_SNS_CERTIFICATE, {
      url,
      now: new Date('2026-10-15T00:00:00Z'),
      roots: systemRoots,
    })
    expect(expired).toEqual({ ok: false, reason: expect.stringMatching(/not valid at 2026-10-15/) })
    const withoutAmazon = systemRoots.filter((root) => !/CN=Amazon Root CA 1/.test(root.subject))
    const verdict = checkSnsCertificate(REAL_SNS_CERTIFICATE, {
      url,
      now: REAL_SNS_SIGNED_AT,
      roots: withoutAmazon,
    })
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/no trusted issuer/) })
  })
})

describe('certificates made in the test', () => {
  let ca: TestCa
  let roots: X509Certificate[]
  beforeAll(async () => {
    ca = await createTestCa('Check Test Root')
    roots = [ca.certificate]
  })
  const check = (pem: string, opts: { url?: string; now?: Date; roots?: X509Certificate[] } = {}) =>
    checkSnsCertificate(pem, {
      url: opts.url ?? URL_US,
      now: opts.now ?? new Date(),
      roots: opts.roots ?? roots,
    })

  it('accepts sns.amazonaws.com issued by the trusted CA, and returns the leaf alone', async () => {
    const signer = await createSnsSigner({ issuer: ca })
    const verdict = check(signer.certificatePem)
    expect(verdict).toMatchObject({ ok: true })
    if (verdict.ok) expect(verdict.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1)
  })

  it('follows intermediates served after the leaf', async () => {
    const intermediate = await createTestCa('Check Test Intermediate', ca)
    const signer = await createSnsSigner({ issuer: intermediate })
    expect(check(signer.certificatePem)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no trusted issuer .*Check Test Intermediate/),
    })
    expect(check(signer.certificatePem + intermediate.certificatePem)).toMatchObject({ ok: true })
  })

  it('refuses the same certificate when its CA is not a trusted root', async () => {
    const signer = await createSnsSigner({ issuer: ca })
    expect(check(signer.certificatePem, { roots: systemRoots })).toEqual({
      ok: false,
      reason: expect.stringMatching(/no trusted issuer/),
    })
    const selfSigned = await createTestCa('sns.amazonaws.com')
    expect(check(selfSigned.certificatePem)).toMatchObject({ ok: false })
  })

  it.each([
    ['sns.evil.com'],
    ['sns.amazonaws.com.evil.com'],
    ['*.amazonaws.com'],
    ['sns-signing.eu-west-1.amazonaws.com'],
    ['Amazon SNS'],
  ])('refuses a certificate issued to %s', async (name) => {
    const signer = await createSnsSigner({ issuer: ca, name })
    expect(check(signer.certificatePem)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not sns\.amazonaws\.com or sns-signing\.us-east-1/),
    })
  })

  it('takes the regional signing name where AWS uses one, bound to the URL’s region', async () => {
    const signer = await createSnsSigner({
      issuer: ca,
      name: 'sns-signing.af-south-1.amazonaws.com',
    })
    const afSouth = 'https://sns.af-south-1.amazonaws.com/SimpleNotificationService-x.pem'
    expect(check(signer.certificatePem, { url: afSouth })).toMatchObject({ ok: true })
    expect(check(signer.certificatePem)).toMatchObject({ ok: false })
  })

  it('refuses a certificate not yet valid or expired, judged by the injected clock', async () => {
    const from = new Date('2030-01-01T00:00:00Z')
    const to = new Date('2030-06-01T00:00:00Z')
    const signer = await createSnsSigner({ issuer: ca, validity: { from, to } })
    expect(check(signer.certificatePem)).toEqual({
      ok: false,
      reason: expect.stringMatching(/"CN=sns.amazonaws.com" is not valid at/),
    })
    // Inside the leaf's period but after the test CA's (one year from now): still refused.
    expect(check(signer.certificatePem, { now: new Date('2030-03-01T00:00:00Z') })).toMatchObject({
      ok: false,
    })
  })

  it('refuses what is not a certificate, or too many of them', async () => {
    const signer = await createSnsSigner({ issuer: ca })
    for (const [pem, reason] of [
      ['forged', /no PEM certificate/],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /could not be parsed/],
      [signer.certificatePem.repeat(5), /more than 4 certificates/],
    ] as const) {
      expect(check(pem)).toEqual({ ok: false, reason: expect.stringMatching(reason) })
    }
  })

  it('refuses any URL that is not an SNS certificate URL', async () => {
    const signer = await createSnsSigner({ issuer: ca })
    const url = 'https://sns.s3-us-west-2.amazonaws.com/SimpleNotificationService-x.pem'
    expect(check(signer.certificatePem, { url })).toMatchObject({ ok: false })
  })
})

describe('signingNames', () => {
  it('follows AWS’s names per partition', () => {
    expect(signingNames('https://sns.us-gov-east-1.amazonaws.com/x.pem')).toEqual([
      'sns-us-gov-west-1.amazonaws.com',
    ])
    expect(signingNames('https://sns.cn-northwest-1.amazonaws.com.cn/x.pem')).toEqual([
      'sns-cn-northwest-1.amazonaws.com.cn',
    ])
    expect(signingNames('not a url')).toEqual([])
  })
})
