import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { ChannelId } from '../../events/index.js'
import { connectors, type AnyConnector } from '../../../connectors/index.js'
import { receiveWebhook, type ReceiveDeps } from '../../pipeline/receive-webhook.js'
import { issueWebhookToken } from '../../pipeline/webhook-tokens.js'
import type { Metrics } from '../../metrics/index.js'
import { ChannelAccount, ErrorMessage, RETRY_AFTER, json } from '../api-schemas.js'
import { lockedOut, type FailureLimit } from '../auth-failure-limit.js'
import { clientAddress } from '../client-address.js'
import type { AppEnv } from '../env.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { readBodyBytes, requestHeaders } from '../request-bytes.js'
import { traceWebhook } from '../middleware/trace-webhook.js'

/** The OAuth client of the token endpoint, in `/openapi.json`: HTTP Basic (RFC 6749 §2.3.1). */
export const WEBHOOK_CLIENT_SECURITY = 'webhookClient'

const tags = ['Webhook intake']

/**
 * Declared with plain OpenAPI schemas, not zod: a zod body would get a validator that reads and
 * parses the body, and the signature must be checked over the exact bytes as they arrived.
 */
const ingest = createRoute({
  method: 'post',
  operationId: 'receiveWebhook',
  path: '/{channel}/{account}',
  tags,
  summary: "Receive a marketplace's webhook",
  description:
    "The marketplace's own request, verified by its signature over the exact bytes; stored before it is answered. TikTok Shop is answered with the status alone, as it documents (an empty body).",
  request: {
    params: ChannelAccount,
    body: {
      required: true,
      description: 'Whatever the marketplace sends, in any content type.',
      content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    },
  },
  responses: {
    200: json(
      'Stored (`accepted`), already stored (`duplicate`), or authentic but not storable as sent (`failed`, kept for a replay after a fix); the marketplace stops resending.',
      z.union([
        z.object({ status: z.literal('accepted'), id: z.string() }),
        z.object({ status: z.literal('failed'), id: z.string(), reason: z.string() }),
        z.object({ status: z.literal('duplicate') }),
      ]),
    ),
    400: json('The body could not be read.', ErrorMessage),
    401: json(
      'Verification failed: a bad or missing signature.',
      z.object({ error: z.literal('verification failed'), reason: z.string() }),
    ),
    404: json(
      'A channel the hub does not know, or an account it is not configured with.',
      ErrorMessage,
    ),
    413: json('The body is larger than MAX_BODY_BYTES.', ErrorMessage),
    503: json('Storage unavailable: the marketplace retries.', ErrorMessage),
  },
})

const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() })

const token = createRoute({
  method: 'post',
  operationId: 'issueWebhookToken',
  path: '/{channel}/{account}/oauth/token',
  tags,
  summary: 'OAuth 2.0 client credentials grant for webhook tokens (Walmart)',
  description:
    "For channels that authenticate webhooks with hub-issued bearer tokens (Walmart's OAuth mode). Answers per RFC 6749 §5.1/§5.2 (https://www.rfc-editor.org/rfc/rfc6749#section-5), never cached.",
  security: [{ [WEBHOOK_CLIENT_SECURITY]: [] }],
  request: {
    params: ChannelAccount,
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            properties: { grant_type: { type: 'string', enum: ['client_credentials'] } },
            required: ['grant_type'],
          },
        },
      },
    },
  },
  responses: {
    200: json(
      'A token for the channel to send with its webhooks.',
      z.object({
        access_token: z.string(),
        token_type: z.literal('Bearer'),
        expires_in: z.number().int(),
      }),
    ),
    400: json('A bad grant, or an unreadable or oversized body.', OAuthError),
    401: {
      ...json('Missing or wrong client credentials (`invalid_client`).', OAuthError),
      headers: z.object({ 'WWW-Authenticate': z.string() }),
    },
    404: json('No such account, or it does not use OAuth.', ErrorMessage),
    429: {
      ...json(
        'Too many failed client authentications from this address; credentials are not checked until its window ends.',
        OAuthError,
      ),
      headers: RETRY_AFTER,
    },
    503: json('The token could not be stored; try again.', OAuthError),
  },
})

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
  const app = openApiRoutes()
  const jsonAnswer = jsonAnswers(ingest)
  // Mounted only while tracing is on, so the route pays nothing for it otherwise.
  if (deps.tracing?.enabled) app.use('/:channel/:account', traceWebhook(deps.tracing))
  app.openapi(token, (c) => tokenRequest(c, { ...deps, failures: opts.tokenFailures }))
  app.openapi(ingest, async (c) => {
    const params = c.req.valid('param')
    const channel = ChannelId.safeParse(params.channel)
    if (!channel.success) return jsonAnswer(c, { error: 'unknown channel' }, 404)
    const accountId = params.account
    const log = c.get('log')
    const connector: AnyConnector | null = connectors[channel.data]
    const answer = connector?.ingress.emptyAnswers ? emptyAnswer : jsonAnswer
    const body = await readBodyBytes(c, opts.maxBodyBytes)
    switch (body.kind) {
      case 'too-large':
        deps.metrics.countWebhook(
          channel.data,
          deps.accounts.find(channel.data, accountId) ? accountId : undefined,
          'too-large',
        )
        return answer(c, { error: `body larger than ${opts.maxBodyBytes} bytes` }, 413)
      case 'unreadable':
        log.warn({ err: body.cause }, 'webhook body could not be read')
        return answer(c, { error: 'body could not be read' }, 400)
      case 'ok':
        break
    }
    const outcome = await receiveWebhook(deps, {
      channel: channel.data,
      accountId,
      deadlineMs: opts.ingressDeadlineMs,
      requestId: c.get('requestId'),
      trace: c.get('trace'),
      request: {
        rawBody: body.bytes,
        headers: requestHeaders(c),
        url: c.req.url,
        method: c.req.method,
      },
    })
    deps.metrics.countWebhook(
      channel.data,
      outcome.kind === 'unknown-account' ? undefined : accountId,
      outcome.kind,
      outcome.kind === 'rejected' ? outcome.reason : undefined,
    )
    switch (outcome.kind) {
      case 'accepted':
        return answer(c, { status: 'accepted', id: outcome.inboxId }, 200)
      case 'kept-failed':
        // Authentic but unprocessable as sent: a 2xx is the channel's only "stop resending" (a
        // 4xx or 5xx makes it retry the same bytes, and TikTok counts a 401 against the app). The
        // bytes are kept, the row is `failed` with the reason, replayable after a fix (DESIGN.md
        // §10.6). Only a holder of the channel's secret can cause this line, so it is not sampled.
        log.warn(
          { channel: channel.data, accountId, inboxId: outcome.inboxId, reason: outcome.reason },
          'webhook kept as failed: the database cannot store it as sent',
        )
        return answer(c, { status: 'failed', id: outcome.inboxId, reason: outcome.reason }, 200)
      case 'duplicate':
        return answer(c, { status: 'duplicate' }, 200)
      case 'unknown-account':
        return answer(c, { error: `no ${channel.data} account "${accountId}"` }, 404)
      case 'rejected':
        log.warn({ channel: channel.data, accountId, reason: outcome.reason }, 'webhook rejected')
        return answer(c, { error: 'verification failed', reason: outcome.reason }, 401)
      case 'unavailable':
        log.error({ err: outcome.cause, channel: channel.data, accountId }, 'inbox unavailable')
        return answer(c, { error: 'temporarily unavailable, retry later' }, 503)
    }
  })
  return app
}

/**
 * For channels that document empty answers (TikTok Shop: "200 or 401 with an empty body"): the
 * status the route documents, without its body (the route's description says so).
 */
const emptyAnswer: ReturnType<typeof jsonAnswers<typeof ingest>> = (c, _body, status) =>
  c.body(null, status) as never

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
  const answer = jsonAnswers(token)
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
    return answer(
      c,
      {
        error: 'temporarily_unavailable',
        error_description: `too many failed client authentications from this address; retry after ${retryAfterSeconds} s`,
      },
      429,
    )
  const channel = ChannelId.safeParse(c.req.param('channel'))
  const accountId = c.req.param('account')
  const notFound = () => answer(c, { error: 'no such account, or it does not use OAuth' }, 404)
  if (!channel.success || !accountId) return notFound()
  const body = await readBodyBytes(c, MAX_TOKEN_FORM_BYTES)
  if (body.kind !== 'ok') {
    return answer(
      c,
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
      return answer(
        c,
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
      return answer(c, { error: 'invalid_client' }, 401)
    case 'invalid-request':
      return answer(c, { error: outcome.error, error_description: outcome.description }, 400)
    case 'unavailable':
      c.get('log').error({ err: outcome.cause }, 'could not store an issued token')
      return answer(c, { error: 'temporarily_unavailable' }, 503)
  }
}
