// De-risks the SNS host checks: the hub fetches a signing certificate (and follows a SubscribeURL)
// only from an SNS regional endpoint, never from an S3 bucket called "sns", a lookalike suffix,
// another port or scheme, or a URL that hides another host in its user info.
import { describe, expect, it } from 'vitest'
import { isSigningCertUrl, isSnsServiceUrl, snsEndpointRegion } from './sns.js'

const PEM = '/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem'

describe('isSigningCertUrl', () => {
  it.each([
    `https://sns.us-east-1.amazonaws.com${PEM}`,
    `https://sns.eu-west-1.amazonaws.com${PEM}`,
    `https://sns.ap-southeast-2.amazonaws.com${PEM}`,
    `https://sns.af-south-1.amazonaws.com${PEM}`,
    `https://sns.us-gov-west-1.amazonaws.com${PEM}`,
    `https://sns.cn-north-1.amazonaws.com.cn${PEM}`,
    `https://sns.cn-northwest-1.amazonaws.com.cn${PEM}`,
    // The URL parser lower-cases the host and drops the default port.
    `https://SNS.US-EAST-1.AMAZONAWS.COM${PEM}`,
    `https://sns.us-east-1.amazonaws.com:443${PEM}`,
  ])('accepts %s', (url) => {
    expect(isSigningCertUrl(url)).toBe(true)
  })

  it.each([
    // S3 endpoints for a bucket named "sns" (the two).
    `https://sns.s3-us-west-2.amazonaws.com${PEM}`,
    `https://sns.s3-external-1.amazonaws.com${PEM}`,
    `https://sns.s3.amazonaws.com${PEM}`,
    `https://sns.s3.us-west-2.amazonaws.com${PEM}`,
    `https://sns.s3-website-us-east-1.amazonaws.com${PEM}`,
    // Lookalikes and suffixes.
    `https://sns.us-east-1.amazonaws.com.evil.com${PEM}`,
    `https://sns.us-east-1.amazonaws.com.${PEM}`,
    `https://sns.evil.com${PEM}`,
    `https://sns.amazonaws.com${PEM}`,
    `https://xsns.us-east-1.amazonaws.com${PEM}`,
    `https://sns.us-east-1.amazonaws.co${PEM}`,
    `https://evil.sns.us-east-1.amazonaws.com${PEM}`,
    `https://sns.cn-north-1.amazonaws.com${PEM}`,
    `https://sns.us-east-1.amazonaws.com.cn${PEM}`,
    `https://sns.us-east-1.api.aws${PEM}`,
    // User info hiding the real host, or decorating the right one.
    `https://sns.us-east-1.amazonaws.com@evil.com${PEM}`,
    `https://sns.us-east-1.amazonaws.com:443@evil.com${PEM}`,
    `https://evil.com\\@sns.us-east-1.amazonaws.com${PEM}`,
    `https://user@sns.us-east-1.amazonaws.com${PEM}`,
    `https://user:pass@sns.us-east-1.amazonaws.com${PEM}`,
    // Ports, schemes, paths.
    `https://sns.us-east-1.amazonaws.com:8443${PEM}`,
    `https://sns.us-east-1.amazonaws.com:80${PEM}`,
    `http://sns.us-east-1.amazonaws.com${PEM}`,
    `ftp://sns.us-east-1.amazonaws.com${PEM}`,
    `//sns.us-east-1.amazonaws.com${PEM}`,
    'https://sns.us-east-1.amazonaws.com/cert.txt',
    'https://sns.us-east-1.amazonaws.com/cert.pem.txt',
    `https://sns.us-east-1.amazonaws.com${PEM}?x=1`,
    `https://sns.us-east-1.amazonaws.com${PEM}#frag`,
    'https://sns.us-east-1.amazonaws.com/?file=cert.pem',
    // An IP address, not a name.
    `https://52.94.0.1${PEM}`,
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isSigningCertUrl(url)).toBe(false)
  })

  it('refuses values that are not strings', () => {
    for (const value of [
      undefined,
      null,
      42,
      { href: `https://sns.us-east-1.amazonaws.com${PEM}` },
    ]) {
      expect(isSigningCertUrl(value)).toBe(false)
    }
  })
})

describe('isSnsServiceUrl (SubscribeURL)', () => {
  it('accepts a confirmation URL with its query, on the same hosts only', () => {
    const query = '/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:1:t&Token=abc'
    expect(isSnsServiceUrl(`https://sns.us-east-1.amazonaws.com${query}`)).toBe(true)
    expect(isSnsServiceUrl(`https://sns.s3-us-west-2.amazonaws.com${query}`)).toBe(false)
    expect(isSnsServiceUrl(`http://sns.us-east-1.amazonaws.com${query}`)).toBe(false)
  })
})

describe('snsEndpointRegion', () => {
  it('names the region and partition of a regional endpoint', () => {
    expect(snsEndpointRegion('sns.us-gov-east-1.amazonaws.com')).toEqual({
      region: 'us-gov-east-1',
      china: false,
    })
    expect(snsEndpointRegion('sns.cn-north-1.amazonaws.com.cn')).toEqual({
      region: 'cn-north-1',
      china: true,
    })
    expect(snsEndpointRegion('sns.s3-us-west-2.amazonaws.com')).toBeUndefined()
  })
})
