// De-risks the SSRF guard on outbound requests: every internal range is recognised in every
// spelling (IPv4-mapped IPv6 included), a policy refuses only the rules it names and opens what
// its allow-list names, a refusal says which address and rule, and the production transport
// refuses a literal refused URL before it opens a connection.
import { describe, expect, it } from 'vitest'
import {
  addressRule,
  assertAllowedUrl,
  CHANNEL_API_POLICY,
  destinationPolicy,
  ForbiddenDestinationError,
  guardedLookup,
  parseNetwork,
  urlRefusal,
  type DestinationPolicy,
} from './destination-guard.js'
import { createUndiciTransport } from './transport.js'

describe('addressRule', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.255.255', 'link-local'],
    ['fe80::1', 'link-local'],
    ['[fe80::abcd]', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['fd00::1', 'unique-local'],
    ['fc12::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    // IPv4-mapped IPv6, dotted and as the URL parser writes it.
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
  ])('%s is %s', (address, rule) => expect(addressRule(address)).toBe(rule))

  it.each(['8.8.8.8', '169.253.255.255', '172.32.0.1', '100.128.0.1', '2606:4700::1', 'a.b'])(
    '%s is under no rule',
    (address) => expect(addressRule(address)).toBeUndefined(),
  )
})

describe('destinationPolicy', () => {
  const policy = destinationPolicy({
    refuse: ['loopback', 'private'],
    allowHosts: ['oms.internal'],
    allowNetworks: ['10.20.0.0/16', '192.168.1.7', 'fd12::/16'],
    hint: 'set THE_KNOB',
  })

  it('refuses the rules it names, naming the address, the rule and the knob', () => {
    expect(policy.refusal('127.0.0.1', '127.0.0.1')).toBe(
      '127.0.0.1 is a loopback address (rule: loopback); set THE_KNOB',
    )
    expect(policy.refusal('db.example', '10.1.2.3')).toBe(
      'db.example resolves to 10.1.2.3, a private (RFC 1918) address (rule: private); set THE_KNOB',
    )
    expect(policy.refusal('x', '::ffff:192.168.9.9')).toMatch(/rule: private/)
    // Rules it does not name pass.
    expect(policy.refusal('x', '169.254.169.254')).toBeUndefined()
    expect(policy.refusal('x', '8.8.8.8')).toBeUndefined()
  })

  it('opens allow-listed host names and ranges only', () => {
    expect(policy.refusal('OMS.internal', '10.1.2.3')).toBeUndefined()
    expect(policy.refusal('x', '10.20.9.9')).toBeUndefined()
    expect(policy.refusal('x', '10.21.0.1')).toMatch(/rule: private/)
    expect(policy.refusal('x', '192.168.1.7')).toBeUndefined()
    expect(policy.refusal('x', '192.168.1.8')).toMatch(/rule: private/)
  })

  it('parses networks and refuses what is not one', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ network: '10.0.0.0', prefix: 8, family: 'ipv4' })
    expect(parseNetwork('::1')).toEqual({ network: '::1', prefix: 128, family: 'ipv6' })
    for (const bad of ['10.0.0.0/33', '10.0.0.0/8/1', 'host.example', '10.0.0.0/x', '1.2.3/8'])
      expect(parseNetwork(bad), bad).toBeUndefined()
    expect(() => destinationPolicy({ refuse: [], allowNetworks: ['nope/8'], hint: '' })).toThrow(
      /nope/,
    )
  })
})

describe('outbound checks', () => {
  const loopbackRefused: DestinationPolicy = destinationPolicy({
    refuse: ['loopback'],
    hint: 'test',
  })

  it('refuses a URL whose host is a refused literal, in any spelling', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]:8080/hook',
      'http://[::ffff:169.254.169.254]/',
    ])
      expect(() => assertAllowedUrl(CHANNEL_API_POLICY, url), url).toThrow(
        ForbiddenDestinationError,
      )
    expect(() => assertAllowedUrl(loopbackRefused, 'http://0x7f.1/')).toThrow(/127\.0\.0\.1/)
    expect(() => assertAllowedUrl(loopbackRefused, 'http://2130706433/')).toThrow(/loopback/)
    expect(() => assertAllowedUrl(CHANNEL_API_POLICY, 'https://oms.example.com/hook')).not.toThrow()
  })

  it('checks names after resolution, in both lookup styles', async () => {
    const lookup = guardedLookup(CHANNEL_API_POLICY)
    const one = await new Promise<string>((resolve, reject) =>
      lookup('localhost', {}, (err, address) => (err ? reject(err) : resolve(address as string))),
    )
    expect(['127.0.0.1', '::1']).toContain(one)
    const all = await new Promise<unknown>((resolve, reject) =>
      lookup('localhost', { all: true }, (err, addresses) =>
        err ? reject(err) : resolve(addresses),
      ),
    )
    expect(Array.isArray(all)).toBe(true)
    const refused = await new Promise<unknown>((resolve) =>
      guardedLookup(loopbackRefused)('localhost', {}, (err) => resolve(err)),
    )
    expect(refused).toBeInstanceOf(ForbiddenDestinationError)
    expect(String(refused)).toMatch(/localhost resolves to .*loopback/)
    expect(await urlRefusal(CHANNEL_API_POLICY, 'http://localhost/x')).toBeUndefined()
    expect(await urlRefusal(loopbackRefused, 'http://localhost/x')).toMatch(/rule: loopback/)
    expect(await urlRefusal(CHANNEL_API_POLICY, 'http://169.254.169.254/')).toMatch(/link-local/)
  })

  it('makes the production transport refuse a refused URL without connecting', async () => {
    const transport = createUndiciTransport({ policy: CHANNEL_API_POLICY })
    await expect(
      transport('http://169.254.169.254/latest/meta-data/iam/', {
        method: 'GET',
        headers: {},
        timeoutMs: 30_000,
      }),
    ).rejects.toThrow(ForbiddenDestinationError)
  })
})
