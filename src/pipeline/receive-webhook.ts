import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import type { Clock } from '../clock.js'
import type {
  AnyConnector,
  InboundRequest,
  IssuedToken,
  VerifyFailure,
} from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import type { InboxIntake, IntakeResult } from './inbox-intake.js'
import type { NewInboxRow } from '../db/repos/inbox.js'
import {
  ATTR,
  carrierIn,
  endWithError,
  SPAN,
  type Context,
  type TracingOn,
  type Tracing,
} from '../tracing/index.js'
import { withTimeout } from '../timeout.js'
import type { CertificateCache } from './certificates.js'
import { storableEnvelope } from './storable-envelope.js'
import { lookupIssuedToken } from './webhook-tokens.js'

export type ReceiveOutcome =
  | { readonly kind: 'accepted'; readonly inboxId: string; readonly enqueued: boolean }
  /** Authentic, kept as received, but marked failed without processing (see `storableEnvelope`). */
  | { readonly kind: 'kept-failed'; readonly inboxId: string; readonly reason: string }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'unknown-account' }
  | { readonly kind: 'rejected'; readonly reason: VerifyFailure }
  | { readonly kind: 'unavailable'; readonly cause: unknown }

export interface ReceiveDeps {
  readonly db: Kysely<Database>
  readonly certificates: CertificateCache
  readonly accounts: AccountDirectory
  readonly intake: InboxIntake
  readonly clock: Clock
  readonly tracing?: Tracing
}

/** Verify → record in the inbox (dedupe) → enqueue. Nothing unverified is stored or queued. */
export async function receiveWebhook(
  deps: ReceiveDeps,
  input: {
    readonly channel: ChannelId
    readonly accountId: string
    readonly request: InboundRequest
    /** For log correlation: carried into the normalize job. */
    readonly requestId?: string
    /**
     * Answer 503 if the row is not stored by then, well inside the channel's own timeout (TikTok
     * allows 3 s): the channel retries, and the dedupe key absorbs the row if it commits late.
     */
    readonly deadlineMs: number
    /** The request's span, while tracing is on (src/http/middleware/trace-webhook.ts). */
    readonly trace?: Context | undefined
  },
): Promise<ReceiveOutcome> {
  const found = deps.accounts.find(input.channel, input.accountId)
  if (!found) return { kind: 'unknown-account' }
  const receivedAt = deps.clock.now()
  const { credentials } = found.account
  let lookedUp: Awaited<ReturnType<typeof lookUpForVerify>>
  try {
    lookedUp = await lookUpForVerify(deps, found.connector, credentials, input)
  } catch (cause) {
    // Failing to look something up is our fault: 503, which the channel retries, never 401.
    return { kind: 'unavailable', cause }
  }
  const verified = found.connector.ingress.verify(input.request, {
    credentials,
    now: receivedAt,
    ...lookedUp,
  })
  if (!verified.ok) return { kind: 'rejected', reason: verified.reason }
  const envelope = storableEnvelope(verified)
  try {
    const row: NewInboxRow = {
      ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
      channel: input.channel,
      accountId: input.accountId,
      dedupeKey: envelope.dedupeKey,
      topic: envelope.topic,
      headers: maskCredentials(
        input.request.headers,
        found.connector.ingress.credentialHeaders?.(credentials) ?? [],
      ),
      rawBody: input.request.rawBody,
      channelTime: envelope.channelTime,
      receivedAt,
      ...(envelope.failure !== undefined ? { failure: envelope.failure } : {}),
    }
    const stored =
      input.trace && deps.tracing?.enabled
        ? submitTraced(deps.tracing, deps.intake, row, input.trace)
        : deps.intake.submit(row)
    const result = await withTimeout(stored, input.deadlineMs, 'the inbox')
    return result.kind === 'accepted' && envelope.failure !== undefined
      ? { kind: 'kept-failed', inboxId: result.inboxId, reason: envelope.failure }
      : result
  } catch (cause) {
    return { kind: 'unavailable', cause }
  }
}

/**
 * The request's wait for its row, as a child span of the request: intake batches rows (see
 * `createInboxIntake`), so this is the one place a request's own share of it can be seen. The
 * row carries the request's context on (stored, and in the job), so normalization continues the
 * request's trace in whatever process runs it.
 */
async function submitTraced(
  tracing: TracingOn,
  intake: InboxIntake,
  row: NewInboxRow,
  request: Context,
): Promise<IntakeResult> {
  const span = tracing.tracer.startSpan(
    SPAN.intake,
    {
      attributes: {
        [ATTR.channel]: row.channel,
        [ATTR.account]: row.accountId,
        [ATTR.topic]: row.topic,
      },
    },
    request,
  )
  const traceContext = carrierIn(request)
  try {
    const result = await intake.submit({
      ...row,
      ...(traceContext ? { traceContext } : {}),
      intakeSpan: span.spanContext(),
    })
    span.setAttribute(ATTR.outcome, result.kind)
    if (result.kind === 'accepted') span.setAttribute(ATTR.inboxId, result.inboxId)
    span.end()
    return result
  } catch (err) {
    endWithError(span, err)
    throw err
  }
}

/**
 * The I/O some schemes need before the pure `verify`: a hub-issued bearer token (looked up in
 * PostgreSQL) and a signing certificate (fetched from a URL the connector approved, and kept only
 * when the connector's check trusts it; otherwise it is absent, so the signature fails). Throws
 * when a store or host cannot be reached.
 */
async function lookUpForVerify(
  deps: ReceiveDeps,
  connector: AnyConnector,
  credentials: unknown,
  input: {
    readonly channel: ChannelId
    readonly accountId: string
    readonly request: InboundRequest
  },
): Promise<{ issuedToken?: IssuedToken; certificates?: ReadonlyMap<string, string> }> {
  const token = connector.ingress.presentedToken?.(input.request, credentials)
  const { checkCertificate } = connector.ingress
  // Nothing fetched is used unchecked: a scheme without a check gets no certificate at all.
  const certUrl = checkCertificate && connector.ingress.certificateUrl?.(input.request, credentials)
  const issuedToken = token
    ? await lookupIssuedToken(deps.db, input.channel, input.accountId, token)
    : undefined
  const fetched =
    certUrl && checkCertificate ? await deps.certificates.get(certUrl, checkCertificate) : undefined
  return {
    ...(issuedToken ? { issuedToken } : {}),
    ...(certUrl && fetched?.kind === 'ok'
      ? { certificates: new Map([[certUrl, fetched.pem]]) }
      : {}),
  }
}

const CREDENTIAL_HEADER = /authorization|signature|hmac|token|secret|cookie|api-?key|password/i

/** Headers as stored in the inbox: anything that could authenticate a request is masked. */
function maskCredentials(
  headers: Readonly<Record<string, string>>,
  alsoMask: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      CREDENTIAL_HEADER.test(name) || alsoMask.includes(name) ? '[masked]' : value,
    ]),
  )
}
