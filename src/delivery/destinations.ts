/**
 * The outbound-address policy for subscriber URLs: a subscription must not turn the hub into a
 * proxy into its own network. Outside sandbox mode every internal range is refused (loopback,
 * RFC 1918, carrier-grade NAT, unique-local, link-local, metadata, unspecified, multicast,
 * reserved; IPv4-mapped IPv6 forms included) unless SUBSCRIBER_ALLOWED_HOSTS names the host or a
 * range holding the address. The sandbox keeps loopback open so its demo subscribers work.
 * Link-local and metadata addresses open only with OUTBOUND_ALLOW_LINK_LOCAL, in every mode.
 */
import {
  ADDRESS_RULES,
  CHANNEL_API_POLICY,
  destinationPolicy,
  type DestinationPolicy,
} from '../outbound/destination-guard.js'
import type { Config } from '../config/index.js'

type PolicyConfig = Pick<Config, 'mode'> & {
  readonly delivery: Pick<Config['delivery'], 'allowLinkLocal' | 'subscriberAllow'>
}

export function subscriberPolicy(config: PolicyConfig): DestinationPolicy {
  const { allowLinkLocal, subscriberAllow } = config.delivery
  const allowListed = destinationPolicy({
    refuse: ADDRESS_RULES.filter(
      (rule) =>
        rule !== 'link-local' &&
        rule !== 'metadata' &&
        !(config.mode === 'sandbox' && rule === 'loopback'),
    ),
    allowHosts: subscriberAllow.hosts,
    allowNetworks: subscriberAllow.networks,
    hint: 'subscriber URLs may not reach internal addresses unless SUBSCRIBER_ALLOWED_HOSTS lists the host or its range',
  })
  // Checked first and not opened by the allow-list: only OUTBOUND_ALLOW_LINK_LOCAL opens these.
  const linkLocal = allowLinkLocal ? undefined : CHANNEL_API_POLICY
  return {
    refusal: (hostname, address) =>
      linkLocal?.refusal(hostname, address) ?? allowListed.refusal(hostname, address),
  }
}

/** Channel API calls: link-local and metadata addresses only, unless OUTBOUND_ALLOW_LINK_LOCAL. */
export function channelApiPolicy(config: PolicyConfig): DestinationPolicy | undefined {
  return config.delivery.allowLinkLocal ? undefined : CHANNEL_API_POLICY
}
