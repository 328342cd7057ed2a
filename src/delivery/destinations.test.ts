// De-risks the subscriber address policy: outside sandbox mode every internal range is refused
// unless allow-listed, the sandbox opens loopback only, and link-local and metadata addresses
// open with OUTBOUND_ALLOW_LINK_LOCAL alone, never through the allow-list.
import { describe, expect, it } from 'vitest'
import { subscriberPolicy } from './destinations.js'

const policy = (
  mode: 'sandbox' | 'configured',
  opts: { hosts?: string[]; networks?: string[]; allowLinkLocal?: boolean } = {},
) =>
  subscriberPolicy({
    mode,
    delivery: {
      allowLinkLocal: opts.allowLinkLocal ?? false,
      subscriberAllow: { hosts: opts.hosts ?? [], networks: opts.networks ?? [] },
    },
  })

const INTERNAL = [
  ['127.0.0.1', 'loopback'],
  ['::1', 'loopback'],
  ['10.0.0.5', 'private'],
  ['172.20.1.1', 'private'],
  ['192.168.0.10', 'private'],
  ['100.64.0.9', 'shared'],
  ['fd00::1', 'unique-local'],
  ['169.254.169.254', 'link-local'],
  ['100.100.100.200', 'metadata'],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:a00:5', 'private'],
] as const

describe('subscriberPolicy', () => {
  it.each(INTERNAL)('refuses %s (%s) outside sandbox mode', (address, rule) => {
    const refusal = policy('configured').refusal(address, address)
    expect(refusal).toContain(`rule: ${rule}`)
    expect(refusal).toMatch(/SUBSCRIBER_ALLOWED_HOSTS|OUTBOUND_ALLOW_LINK_LOCAL/)
  })

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '2606:4700::1', '172.32.0.1'])
      expect(policy('configured').refusal('oms.example.com', address)).toBeUndefined()
  })

  it('opens loopback in sandbox mode, and nothing else', () => {
    expect(policy('sandbox').refusal('localhost', '127.0.0.1')).toBeUndefined()
    expect(policy('sandbox').refusal('::1', '::1')).toBeUndefined()
    expect(policy('sandbox').refusal('10.0.0.5', '10.0.0.5')).toContain('rule: private')
    expect(policy('sandbox').refusal('x', '169.254.169.254')).toContain('rule: link-local')
  })

  it('opens what SUBSCRIBER_ALLOWED_HOSTS names, by host or by range', () => {
    const allowed = policy('configured', { hosts: ['oms.internal'], networks: ['10.20.0.0/16'] })
    expect(allowed.refusal('oms.internal', '10.9.9.9')).toBeUndefined()
    expect(allowed.refusal('other.internal', '10.20.1.2')).toBeUndefined()
    expect(allowed.refusal('other.internal', '10.21.1.2')).toContain('rule: private')
    expect(allowed.refusal('127.0.0.1', '127.0.0.1')).toContain('rule: loopback')
  })

  it('keeps link-local and metadata behind OUTBOUND_ALLOW_LINK_LOCAL, whatever the allow-list says', () => {
    const listed = policy('configured', { hosts: ['meta.internal'], networks: ['169.254.0.0/16'] })
    expect(listed.refusal('meta.internal', '169.254.169.254')).toMatch(/OUTBOUND_ALLOW_LINK_LOCAL/)
    const opened = policy('configured', { allowLinkLocal: true })
    expect(opened.refusal('x', '169.254.169.254')).toBeUndefined()
    expect(opened.refusal('x', '100.100.100.200')).toBeUndefined()
    expect(opened.refusal('x', '10.0.0.1')).toContain('rule: private')
  })
})
