import { ChannelApiError } from '../shared/api-error.js'
import type { ChannelClient, ClientContext, Hydrated, HydrationNeed } from '../types.js'
import { hydrationKey } from '../types.js'
import type { AmazonCredentials } from './config.js'
import { isSnsServiceUrl } from './sns.js'

/** ConfirmSubscriptionResponse is a few hundred bytes of XML. */
const MAX_RESPONSE_BYTES = 65_536

/**
 * Adds SNS subscription confirmation to the account's API client: a `confirm-subscription` need
 * is a GET of the message's `SubscribeURL` (https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html),
 * made only when the account allows it and the URL passes the SNS host check again (the
 * normalizer checked it too; this is the last line before the request leaves).
 */
export function withSubscriptionConfirmation(
  client: ChannelClient,
  credentials: AmazonCredentials,
  ctx: ClientContext,
): ChannelClient {
  async function confirm(url: string): Promise<string> {
    if (!credentials.sns?.confirmSubscriptions) {
      throw new ChannelApiError(
        'permanent',
        'SNS subscription confirmation is turned off for this account',
      )
    }
    if (!isSnsServiceUrl(url)) {
      throw new ChannelApiError('permanent', 'SubscribeURL is not on an SNS host; not followed')
    }
    let res
    try {
      res = await ctx.transport(url, {
        method: 'GET',
        headers: {},
        timeoutMs: credentials.requestTimeoutMs,
      })
    } catch (cause) {
      throw new ChannelApiError('transient', 'SNS did not answer the confirmation', {}, { cause })
    }
    const text = await res.text(MAX_RESPONSE_BYTES)
    if (res.status === 200) return text
    // A 4xx means the token is spent or expired (tokens live three days): retrying cannot help.
    const kind = res.status >= 500 || res.status === 429 ? 'transient' : 'permanent'
    throw new ChannelApiError(kind, `SNS answered the confirmation with ${res.status}`, {
      status: res.status,
    })
  }

  return {
    ...client,
    async hydrate(needs: readonly HydrationNeed[]): Promise<Hydrated> {
      const confirmations = needs.filter((n) => n.kind === 'confirm-subscription')
      const reads = needs.filter((n) => n.kind !== 'confirm-subscription')
      const [fetched, confirmed] = await Promise.all([
        reads.length > 0 ? client.hydrate(reads) : Promise.resolve({}),
        Promise.all(
          confirmations.map(async (n) => [hydrationKey(n), await confirm(n.id)] as const),
        ),
      ])
      return { ...fetched, ...Object.fromEntries(confirmed) }
    },
  }
}
