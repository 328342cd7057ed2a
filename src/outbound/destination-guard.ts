/**
 * Where outbound requests may go. A URL pointing at the hub's own network (loopback, private
 * ranges) or at a cloud metadata service would let anyone holding the admin token use the hub to
 * reach services that are not meant to be reachable from outside (SSRF). A policy names the
 * address rules it refuses; each destination is checked when a subscription is created and again
 * for every connection, after DNS resolution, so a name that later resolves elsewhere (DNS
 * rebinding) is caught too.
 *
 * Two policies are used: channel API calls (operator-configured base URLs; the sandbox's point at
 * the emulator on loopback) refuse link-local and metadata addresses only; subscriber URLs also
 * refuse loopback, private and other internal ranges outside sandbox mode, unless allow-listed.
 */
import {
  lookup as dnsLookup,
  promises as dnsPromises,
  type LookupAddress,
  type LookupOptions,
} from 'node:dns'
import { BlockList, isIP } from 'node:net'

export type AddressRule =
  | 'loopback'
  | 'private'
  | 'shared'
  | 'unique-local'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'

/** Every rule, in the order a refusal names the first that matches. */
export const ADDRESS_RULES: readonly AddressRule[] = [
  'metadata',
  'link-local',
  'loopback',
  'private',
  'shared',
  'unique-local',
  'unspecified',
  'multicast',
  'reserved',
]

const RANGES: Record<AddressRule, readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]> = {
  // Alibaba Cloud's metadata service, and AWS's over IPv6. 169.254.169.254 (AWS, GCP, Azure and
  // others) is link-local, below.
  metadata: [
    ['100.100.100.200', 32, 'ipv4'],
    ['fd00:ec2::254', 128, 'ipv6'],
  ],
  // RFC 3927 and RFC 4291 §2.5.6.
  'link-local': [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  // RFC 1122 §3.2.1.3 and RFC 4291 §2.5.3.
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  // RFC 1918.
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
  ],
  // Carrier-grade NAT, RFC 6598.
  shared: [['100.64.0.0', 10, 'ipv4']],
  // RFC 4193.
  'unique-local': [['fc00::', 7, 'ipv6']],
  // "This network" (RFC 1122 §3.2.1.3; Linux connects 0.0.0.0 to itself) and RFC 4291 §2.5.2.
  unspecified: [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ],
  // RFC 5771 and RFC 4291 §2.7.
  multicast: [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ],
  // Future use and limited broadcast (RFC 1112 §4, RFC 919).
  reserved: [['240.0.0.0', 4, 'ipv4']],
}

const LISTS = Object.fromEntries(
  ADDRESS_RULES.map((rule) => {
    const list = new BlockList()
    for (const [network, prefix, family] of RANGES[rule]) list.addSubnet(network, prefix, family)
    return [rule, list]
  }),
) as Record<AddressRule, BlockList>

const DESCRIPTIONS: Record<AddressRule, string> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  shared: 'a carrier-grade NAT (100.64.0.0/10) address',
  'unique-local': 'a unique-local IPv6 (fc00::/7) address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
}

/** The first rule an IP literal falls under (IPv4-mapped IPv6 forms included), if any. */
export function addressRule(address: string): AddressRule | undefined {
  const bare = address.replace(/^\[|\]$/g, '')
  const family = isIP(bare)
  if (family === 0) return undefined
  const type = family === 4 ? 'ipv4' : 'ipv6'
  // BlockList matches `::ffff:a.b.c.d` (in either spelling) against IPv4 ranges itself.
  return ADDRESS_RULES.find((rule) => LISTS[rule].check(bare, type))
}

export interface DestinationPolicy {
  /** Why connecting to `address` (which `hostname` resolved to) is refused; undefined: allowed. */
  refusal(hostname: string, address: string): string | undefined
}

export interface PolicyOptions {
  /** Rules refused unless an allow-list entry matches. */
  readonly refuse: readonly AddressRule[]
  /** Host names (exact, case-insensitive) whose addresses are allowed whatever they are. */
  readonly allowHosts?: readonly string[]
  /** Addresses and CIDR ranges that are allowed (`10.20.0.0/16`, `fd12::/16`, `10.1.2.3`). */
  readonly allowNetworks?: readonly string[]
  /** Appended to a refusal: how an operator allows the destination. */
  readonly hint: string
}

export function destinationPolicy(opts: PolicyOptions): DestinationPolicy {
  const refused = new Set(opts.refuse)
  const hosts = new Set((opts.allowHosts ?? []).map((h) => bareHost(h).toLowerCase()))
  const networks = new BlockList()
  for (const entry of opts.allowNetworks ?? []) {
    const parsed = parseNetwork(entry)
    if (!parsed) throw new Error(`not an address or CIDR range: ${entry}`)
    networks.addSubnet(parsed.network, parsed.prefix, parsed.family)
  }
  return {
    refusal(hostname, address) {
      const rule = addressRule(address)
      if (!rule || !refused.has(rule)) return undefined
      if (hosts.has(bareHost(hostname).toLowerCase())) return undefined
      const bare = bareHost(address)
      if (networks.check(bare, isIP(bare) === 4 ? 'ipv4' : 'ipv6')) return undefined
      const name = bareHost(hostname)
      const what = name === bare ? `${bare} is` : `${name} resolves to ${bare},`
      return `${what} ${DESCRIPTIONS[rule]} (rule: ${rule}); ${opts.hint}`
    },
  }
}

/** `10.0.0.0/8`, `fd00::/8` or a single address; undefined when it is neither. */
export function parseNetwork(
  entry: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return undefined
  const max = family === 4 ? 32 : 128
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return undefined
  return { network: address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' }
}

const bareHost = (host: string) => host.replace(/^\[|\]$/g, '')

export class ForbiddenDestinationError extends Error {
  override readonly name = 'ForbiddenDestinationError'
}

/** Throws when a URL's host is a refused address written literally (no DNS lookup happens for those). */
export function assertAllowedUrl(policy: DestinationPolicy, url: string): void {
  const host = bareHost(new URL(url).hostname)
  if (isIP(host) === 0) return
  const refusal = policy.refusal(host, host)
  if (refusal) throw new ForbiddenDestinationError(refusal)
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for net/tls connections that refuses a name resolving to a refused address. It
 * answers both call styles Node uses (one address, or `all: true` with every address).
 */
export function guardedLookup(policy: DestinationPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      for (const a of addresses) {
        const refusal = policy.refusal(hostname, a.address)
        if (refusal) return callback(new ForbiddenDestinationError(refusal), [])
      }
      if (options.all) return callback(null, addresses)
      const [first] = addresses
      if (!first) return callback(new ForbiddenDestinationError(`${hostname} did not resolve`), [])
      callback(null, first.address, first.family)
    })
  }
}

/** Why a URL's host (a name or a literal) is refused now; undefined when it is allowed. */
export async function urlRefusal(
  policy: DestinationPolicy,
  url: string,
): Promise<string | undefined> {
  const host = bareHost(new URL(url).hostname)
  if (isIP(host)) return policy.refusal(host, host)
  try {
    const addresses = await dnsPromises.lookup(host, { all: true })
    for (const a of addresses) {
      const refusal = policy.refusal(host, a.address)
      if (refusal) return refusal
    }
    return undefined
  } catch {
    // Not resolvable now: nothing to judge; every connection is checked again when it is made.
    return undefined
  }
}

/** Channel API calls: base URLs are the operator's own configuration, so only metadata and link-local addresses are refused. */
export const CHANNEL_API_POLICY = destinationPolicy({
  refuse: ['metadata', 'link-local'],
  hint: 'refused unless OUTBOUND_ALLOW_LINK_LOCAL=true',
})
