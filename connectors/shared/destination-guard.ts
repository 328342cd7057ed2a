/**
 * Outbound requests never go to link-local or cloud-metadata addresses unless an operator allows
 * it: a subscription URL (or a hostname that resolves) pointing there would let anyone with the
 * admin token read the host's cloud credentials through the hub (SSRF). Checked when a
 * subscription is created and again for every connection, after DNS resolution, so a name that
 * later resolves elsewhere (DNS rebinding) is caught too.
 */
import {
  lookup as dnsLookup,
  promises as dnsPromises,
  type LookupAddress,
  type LookupOptions,
} from 'node:dns'
import { BlockList, isIP } from 'node:net'

const FORBIDDEN = new BlockList()
// IPv4 link-local, including 169.254.169.254, the metadata service of AWS, GCP, Azure and others (RFC 3927).
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4')
// Alibaba Cloud's metadata service.
FORBIDDEN.addAddress('100.100.100.200', 'ipv4')
// IPv6 link-local (RFC 4291 §2.5.6).
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6')
// AWS's instance metadata service over IPv6.
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6')

/** True for a link-local or cloud-metadata address, including IPv4-mapped IPv6 forms. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
  if (mapped) return FORBIDDEN.check(mapped, 'ipv4')
  const family = isIP(bare)
  if (family === 4) return FORBIDDEN.check(bare, 'ipv4')
  if (family === 6) return FORBIDDEN.check(bare, 'ipv6')
  return false
}

export class ForbiddenDestinationError extends Error {
  override readonly name = 'ForbiddenDestinationError'
}

/** Throws when a URL's host is a forbidden address written literally (no DNS lookup happens for those). */
export function assertAllowedUrl(url: string): void {
  const host = new URL(url).hostname
  if (isForbiddenAddress(host)) {
    throw new ForbiddenDestinationError(
      `${host} is a link-local or cloud-metadata address; outbound requests there are refused`,
    )
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for net/tls connections that refuses a name resolving to a forbidden address. It
 * answers both call styles Node uses (one address, or `all: true` with every address).
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, [])
    const forbidden = addresses.find((a) => isForbiddenAddress(a.address))
    if (forbidden) {
      return callback(
        new ForbiddenDestinationError(
          `${hostname} resolves to ${forbidden.address}, a link-local or cloud-metadata address; refused`,
        ),
        [],
      )
    }
    if (options.all) return callback(null, addresses)
    const [first] = addresses
    if (!first) return callback(new ForbiddenDestinationError(`${hostname} did not resolve`), [])
    callback(null, first.address, first.family)
  })
}

/** True when `hostname` (a name or a literal) resolves to a forbidden address now. */
export async function resolvesToForbidden(hostname: string): Promise<boolean> {
  const bare = hostname.replace(/^\[|\]$/g, '')
  if (isIP(bare)) return isForbiddenAddress(bare)
  try {
    const addresses = await dnsPromises.lookup(bare, { all: true })
    return addresses.some((a) => isForbiddenAddress(a.address))
  } catch {
    // Not resolvable now: nothing to judge; every connection is checked again when it is made.
    return false
  }
}
