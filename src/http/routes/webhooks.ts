import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ChannelId } from '../../events/index.js'
import { connectors, type AnyConnector } from '../../../connectors/index.js'
import { receiveWebhook, type ReceiveDeps } from '../../pipeline/receive-webhook.js'
import { issueWebhookToken } from '../../pipeline/webhook-tokens.js'
import type { Metrics } from '../../metrics/index.js'
import { lockedOut, type FailureLimit } from '../auth-failure-limit.js'
import { clientAddress } from '../client-address.js'
import type { AppEnv } from '../env.js'
import { readBodyBytes, requestHeaders } from '../request-bytes.js'

/**
 * `POST /webhooks/:channel/:account`: read the exact bytes, hand them to the receive pipeline, map
 * its outcome to a status. 401 only for a definite verification failure (TikTok treats 401 as
 * final); 503 for anything transient, so the marketplace retries.
 */
export function webhookRoutes(
  deps: ReceiveDeps & { readonly metrics: Metrics },
  opts: {
    readonly maxBodyBytes: number
    readonly ingressDeadlineMs: number
    /** Failed client authentications at the OAuth token endpoint, per address. */
    readonly tokenFailures: FailureLimit
  },
) {
  const app = new Hono<AppEnv>()
  app.post('/:channel/:account/oauth/token', (c) =>
    tokenRequest(c, { ...deps, failures: opts.tokenFailures }),
  )
  app.post('/:channel/:account', async (c) => {
    const channel = ChannelId.safeParse(c.req.param('channel'))
    if (!channel.success) return c.json({ error: 'unknown channel' }, 404)
    const accountId = c.req.param('account')
    const log = c.get('log')
    const connector: AnyConnector | null = connectors[channel.data]
    const answer = connector?.ingress.emptyAnswers ? emptyAnswer(c) : c.json.bind(c)
    const body = await readBodyBytes(c, opts.maxBodyBytes)
    switch (body.kind) {
      case 'too-large':
        deps.metrics.countWebhook(channel.data, 'too-large')
        return answer({ error: `body larger than ${opts.maxBodyBytes} bytes` }, 413)
      case 'unreadable':
        log.warn({ err: body.cause }, 'webhook body could not be read')
        return answer({ error: 'body could not be read' }, 400)
      case 'ok':
        break
    }
    const outcome = await receiveWebhook(deps, {
      channel: channel.data,
      accountId,
      deadlineMs: opts.ingressDeadlineMs,
      requestId: c.get('requestId'),
      request: {
        rawBody: body.bytes,
        headers: requestHeaders(c),
        url: c.req.url,
        method: c.req.method,
      },
    })
    deps.metrics.countWebhook(
      channel.data,
      outcome.kind,
      outcome.kind === 'rejected' ? outcome.reason : undefined,
    )
    switch (outcome.kind) {
      case 'accepted':
        return answer({ status: 'accepted', id: outcome.inboxId }, 200)
      case 'kept-failed':
        // Authentic but unprocessable as sent: a 2xx is the channel's only "stop resending" (a
        // 4xx or 5xx makes it retry the same bytes, and TikTok counts a 401 against the app). The
        // bytes are kept, the row is `failed` with the reason, replayable after a fix (DESIGN.md
        // §10.6). Only a holder of the channel's secret can cause this line, so it is not sampled.
        log.warn(
          { channel: channel.data, accountId, inboxId: outcome.inboxId, reason: outcome.reason },
          'webhook kept as failed: the database cannot store it as sent',
        )
        return answer({ status: 'failed', id: outcome.inboxId, reason: outcome.reason }, 200)
      case 'duplicate':
        return answer({ status: 'duplicate' }, 200)
      case 'unknown-account':
        return answer({ error: `no ${channel.data} account "${accountId}"` }, 404)
      case 'rejected':
        log.warn({ channel: channel.data, accountId, reason: outcome.reason }, 'webhook rejected')
        return answer({ error: 'verification failed', reason: outcome.reason }, 401)
      case 'unavailable':
        log.error({ err: outcome.cause, channel: channel.data, accountId }, 'inbox unavailable')
        return answer({ error: 'temporarily unavailable, retry later' }, 503)
    }
  })
  return app
}

/** For channels that document empty answers (TikTok Shop: "200 or 401 with an empty body"). */
function emptyAnswer(c: Context<AppEnv>) {
  return (_body: unknown, status: ContentfulStatusCode) => c.body(null, status)
}

/** A token form is a few hundred bytes; anything larger is not one. */
const MAX_TOKEN_FORM_BYTES = 8_192

/**
 * `POST /webhooks/:channel/:account/oauth/token`: the OAuth 2.0 client credentials grant for
 * channels that authenticate webhooks with hub-issued bearer tokens (Walmart). Answers per
 * RFC 6749 §5.1/§5.2, never cached. An address that sent wrong client credentials too often gets
 * 429 with Retry-After, its credentials unchecked, until its window ends (auth-failure-limit.ts).
 */
async function tokenRequest(
  c: Context<AppEnv>,
  deps: ReceiveDeps & { readonly metrics: Metrics; readonly failures: FailureLimit },
) {
  c.header('Cache-Control', 'no-store')
  const address = clientAddress(c)
  // Without Redis nothing is counted and the grant still works (logged by the admin guard too).
  const retryAfterSeconds = await lockedOut(c, deps.failures, {
    address,
    endpoint: 'webhook-oauth-token',
    counters: deps.metrics.admin,
    message: 'OAuth token requests rate-limited: too many bad client credentials from this address',
  })
  if (retryAfterSeconds !== undefined)
    // RFC 6749 §5.2 has no code for this; RFC 6585 §4 gives the status and Retry-After.
    return c.json(
      {
        error: 'temporarily_unavailable',
        error_description: `too many failed client authentications from this address; retry after ${retryAfterSeconds} s`,
      },
      429,
    )
  const channel = ChannelId.safeParse(c.req.param('channel'))
  const accountId = c.req.param('account')
  const notFound = () => c.json({ error: 'no such account, or it does not use OAuth' }, 404)
  if (!channel.success || !accountId) return notFound()
  const body = await readBodyBytes(c, MAX_TOKEN_FORM_BYTES)
  if (body.kind !== 'ok') {
    return c.json(
      { error: 'invalid_request', error_description: 'unreadable or oversized body' },
      400,
    )
  }
  const outcome = await issueWebhookToken(deps, {
    channel: channel.data,
    accountId,
    headers: requestHeaders(c),
    // Walmart declares ISO-8859-1; the grant is ASCII either way.
    form: Buffer.from(body.bytes).toString('latin1'),
  })
  switch (outcome.kind) {
    case 'issued':
      return c.json(
        {
          access_token: outcome.accessToken,
          token_type: 'Bearer',
          expires_in: outcome.expiresInSeconds,
        },
        200,
      )
    case 'not-found':
      return notFound()
    case 'invalid-client':
      await deps.failures.recordFailure(address).catch(() => undefined)
      c.get('log').warn(
        { channel: channel.data, accountId, clientAddress: address },
        'token request with bad client credentials',
      )
      c.header('WWW-Authenticate', 'Basic realm="webhooks"')
      return c.json({ error: 'invalid_client' }, 401)
    case 'invalid-request':
      return c.json({ error: outcome.error, error_description: outcome.description }, 400)
    case 'unavailable':
      c.get('log').error({ err: outcome.cause }, 'could not store an issued token')
      return c.json({ error: 'temporarily_unavailable' }, 503)
  }
}
