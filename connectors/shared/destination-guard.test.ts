// De-risks the SSRF guard on outbound requests: link-local and cloud-metadata addresses are
// refused in every spelling, ordinary ones (loopback, private, public) are not, and the production
// transport refuses a literal metadata URL before it opens a connection.
import { describe, expect, it } from 'vitest'
import {
  assertAllowedUrl,
  ForbiddenDestinationError,
  guardedLookup,
  isForbiddenAddress,
  resolvesToForbidden,
} from './destination-guard.js'
import { createUndiciTransport } from './transport.js'

describe('isForbiddenAddress', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '169.254.255.255',
    '100.100.100.200',
    'fe80::1',
    '[fe80::abcd]',
    'febf::1',
    'fd00:ec2::254',
    '::ffff:169.254.169.254',
  ])('refuses %s', (address) => expect(isForbiddenAddress(address)).toBe(true))

  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '192.168.1.10',
    '8.8.8.8',
    '169.253.255.255',
    '::1',
    'fd00::1',
    'example.com',
  ])('allows %s', (address) => expect(isForbiddenAddress(address)).toBe(false))
})

describe('outbound checks', () => {
  it('refuses a URL whose host is a forbidden literal', () => {
    expect(() => assertAllowedUrl('http://169.254.169.254/latest/meta-data/')).toThrow(
      ForbiddenDestinationError,
    )
    expect(() => assertAllowedUrl('http://[fe80::1]:8080/hook')).toThrow(ForbiddenDestinationError)
    expect(() => assertAllowedUrl('https://oms.example.com/hook')).not.toThrow()
  })

  it('lets names that resolve to ordinary addresses through, in both lookup styles', async () => {
    const one = await new Promise<string>((resolve, reject) =>
      guardedLookup('localhost', {}, (err, address) =>
        err ? reject(err) : resolve(address as string),
      ),
    )
    expect(['127.0.0.1', '::1']).toContain(one)
    const all = await new Promise<unknown>((resolve, reject) =>
      guardedLookup('localhost', { all: true }, (err, addresses) =>
        err ? reject(err) : resolve(addresses),
      ),
    )
    expect(Array.isArray(all)).toBe(true)
    expect(await resolvesToForbidden('localhost')).toBe(false)
    expect(await resolvesToForbidden('169.254.169.254')).toBe(true)
  })

  it('makes the production transport refuse a metadata URL without connecting', async () => {
    const transport = createUndiciTransport()
    await expect(
      transport('http://169.254.169.254/latest/meta-data/iam/', {
        method: 'GET',
        headers: {},
        timeoutMs: 30_000,
      }),
    ).rejects.toThrow(ForbiddenDestinationError)
  })
})
