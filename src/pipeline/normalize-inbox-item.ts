import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { foundBy } from './order-sync-rows.js'
import { subjectsOf } from './inbox-subjects.js'
import { distinguishReplayedEvents } from '../outbox/replayed-events.js'
import { clearRevokedAlert } from '../db/repos/account-alerts.js'
import { recordInboxSubjects, type InboxSubject } from '../db/repos/inbox-search.js'
import type { HubEvent } from '../events/index.js'
import {
  lockInboxMessage,
  lockInboxStatuses,
  settleInboxMessage,
  type InboxMessageToNormalize,
} from '../db/repos/inbox.js'
import type { Database, InboxOutcome, InboxStatus } from '../db/schema.js'
import { errorMessage } from '../errors.js'
import { isUnstorableValueError } from '../storable.js'
import type { Logger } from '../logger.js'
import { appendEvents } from '../outbox/append.js'
import {
  ChannelApiError,
  inLane,
  type Hydrated,
  type HydrationNeed,
} from '../../connectors/index.js'
import { decodeJsonBody, normalizers, type NormalizeResult } from '../../normalizers/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { applyMessages, type ApplySettings } from './apply-observations.js'
import { writeReservations } from '../db/repos/reservations.js'
import { DONE, type StepResult } from './step-result.js'
import { unstorableIssues } from './storable-observations.js'
import { ATTR, endWithError, type Tracing } from '../tracing/index.js'
import {
  endNormalize,
  inOutboxWrite,
  startNormalize,
  traceOutcome,
  type NormalizeTrace,
} from './normalize-trace.js'

export interface NormalizeDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  /** Where the channel API clients for hydration come from. */
  readonly accounts: AccountDirectory
  readonly config: { readonly stock: ApplySettings }
  readonly tracing?: Tracing
}

/**
 * Normalizes one stored webhook and applies the result in one transaction: the inbox row's status,
 * the order state and the outbox events commit together or not at all. The inbox row stays locked
 * throughout, so the same message run twice at once is applied once. A message already normalized
 * or ignored is left alone; a failed one is tried again (an operator's retry after a fix).
 *
 * A thin webhook makes the normalizer ask for data from the channel's API. That call is made
 * between two transactions, never while one holds the row: the first finds out what is needed
 * (and writes nothing), the second normalizes with the fetched data and applies it.
 *
 * `replay` (an operator's replay) re-applies a normalized or ignored message too; it stays
 * idempotent because applying diffs against stored state and event ids are deterministic (see
 * `distinguishReplayedEvents` for the one case where that is not enough).
 */
export async function normalizeInboxItem(
  deps: NormalizeDeps,
  inboxId: string,
  opts: {
    readonly finalAttempt: boolean
    readonly replay?: boolean
    /** The exact bytes, when the job carries them: the stored copy is then not read. */
    readonly body?: Uint8Array
    /** The W3C trace context of the request that delivered it (the job's), while tracing is on. */
    readonly traceContext?: unknown
  },
): Promise<StepResult> {
  if (!deps.tracing?.enabled) return normalizeStored(deps, inboxId, opts, undefined)
  const trace = startNormalize(deps.tracing, { inboxId, traceContext: opts.traceContext })
  try {
    const result = await normalizeStored(deps, inboxId, opts, trace)
    endNormalize(trace, result)
    return result
  } catch (err) {
    endWithError(trace.span, err)
    throw err
  }
}

async function normalizeStored(
  deps: NormalizeDeps,
  inboxId: string,
  opts: Parameters<typeof normalizeInboxItem>[2],
  trace: NormalizeTrace | undefined,
): Promise<StepResult> {
  const replay = opts.replay ?? false
  const run = (hydrated: Hydrated | undefined) =>
    inTransaction(deps, inboxId, hydrated, replay, opts.body, trace)
  try {
    const first = await run(undefined)
    if (first.kind !== 'hydrate') return first
    const fetched = await hydrate(deps, first.message, first.needs)
    if (fetched.kind !== 'hydrated') return await settleHydrationFailure(deps, inboxId, fetched)
    const second = await run(fetched.data)
    if (second.kind === 'hydrate') {
      return await failPermanently(
        deps,
        inboxId,
        'the normalizer asked for data again after hydration',
      )
    }
    return second
  } catch (err) {
    // A value the checks above missed: the same bytes can never be stored, so fail for good now
    // rather than retry as if the database were down.
    if (isUnstorableValueError(err)) {
      deps.log.warn({ inboxId, err }, 'PostgreSQL cannot store this message: failed for good')
      return await failPermanently(
        deps,
        inboxId,
        `PostgreSQL cannot store it: ${errorMessage(err)}`,
      )
    }
    if (opts.finalAttempt) {
      // Out of retries: make the failure visible on the inbox row too, not only in the queue.
      const outcome = { reason: `gave up after repeated errors: ${errorMessage(err)}` }
      await settleIfOpen(deps, inboxId, outcome).catch(() => undefined)
    }
    throw err
  }
}

export type FirstPass =
  | StepResult
  | {
      readonly kind: 'hydrate'
      readonly message: InboxMessageToNormalize
      readonly needs: readonly HydrationNeed[]
    }

function inTransaction(
  deps: NormalizeDeps,
  inboxId: string,
  hydrated: Hydrated | undefined,
  replay: boolean,
  body: Uint8Array | undefined,
  trace: NormalizeTrace | undefined,
): Promise<FirstPass> {
  return deps.db
    .transaction()
    .execute((trx) => normalizeLocked(trx, deps, inboxId, hydrated, replay, body, trace))
}

/**
 * One pass over a message inside the caller's transaction: locks the inbox row, normalizes it
 * and applies the result. A replay's dry run runs this very step in a transaction it rolls back,
 * so its prediction cannot drift from what the replay does.
 */
export async function normalizeLocked(
  trx: Kysely<Database>,
  deps: Pick<NormalizeDeps, 'clock' | 'log' | 'config'>,
  inboxId: string,
  hydrated: Hydrated | undefined,
  replay: boolean,
  body: Uint8Array | undefined,
  /** The message's normalization span, while tracing is on. */
  trace?: NormalizeTrace,
): Promise<FirstPass> {
  const message = await lockInboxMessage(trx, inboxId, body)
  if (!message) return { kind: 'permanent', reason: `inbox message ${inboxId} does not exist` }
  if (trace) {
    trace.span.setAttribute(ATTR.channel, message.channel)
    trace.span.setAttribute(ATTR.account, message.account_id)
    trace.span.setAttribute(ATTR.topic, message.topic)
  }
  if (!replay && !isOpen(message.status)) return DONE
  const result = runNormalizer(message, hydrated)
  const now = deps.clock.now()
  switch (result.kind) {
    case 'hydrate':
      return { kind: 'hydrate', message, needs: result.needs }
    case 'ignored':
      await settleInboxMessage(trx, inboxId, 'ignored', { reason: result.reason }, now)
      return DONE
    case 'invalid':
      await settleInboxMessage(trx, inboxId, 'failed', { issues: result.issues }, now)
      return { kind: 'permanent', reason: `invalid payload: ${result.issues.join('; ')}` }
    case 'observations': {
      const origin = { channel: message.channel, accountId: message.account_id, recordedAt: now }
      const applied = await applyMessages(trx, deps.log, deps.config.stock, [
        { message, origin, observations: result.observations },
      ])
      await writeReservations(trx, applied.reservations)
      const subjects = subjectsOf(result.observations)
      const events = traceOutcome(
        trace,
        { channel: message.channel, accountId: message.account_id },
        { events: applied.events[0]!, subjects, reservations: applied.reservations },
      )
      const write = { inboxId, events, subjects, replay, at: now }
      await inOutboxWrite(trace ? [trace] : [], () => writeEvents(trx, write))
      return DONE
    }
  }
}

/** Appends a message's events and settles it, with its search subjects. */
async function writeEvents(
  trx: Kysely<Database>,
  w: {
    readonly inboxId: string
    readonly events: readonly HubEvent[]
    readonly subjects: readonly InboxSubject[]
    readonly replay: boolean
    readonly at: Date
  },
): Promise<void> {
  if (w.replay) {
    // A replay replaces the message's subjects and keeps a changed event apart.
    await recordInboxSubjects(trx, w.inboxId, w.subjects, { replacing: true })
    const appended = await distinguishReplayedEvents(trx, w.events)
    await appendEvents(trx, appended, { inboxId: w.inboxId, at: w.at })
  } else {
    await appendEvents(trx, w.events, { inboxId: w.inboxId, at: w.at, subjects: w.subjects })
  }
}

export function runNormalizer(
  message: Pick<
    InboxMessageToNormalize,
    'channel' | 'account_id' | 'topic' | 'dedupe_key' | 'received_at' | 'raw_body'
  >,
  hydrated: Hydrated | undefined,
): NormalizeResult {
  const normalizer = normalizers[message.channel]
  if (!normalizer)
    return { kind: 'invalid', issues: [`no normalizer for channel ${message.channel}`] }
  const body = decodeJsonBody(message.raw_body)
  if (!body.ok) return { kind: 'invalid', issues: [body.issue] }
  const result = normalizer.normalize({
    channel: message.channel,
    accountId: message.account_id,
    topic: message.topic,
    dedupeKey: message.dedupe_key,
    receivedAt: message.received_at,
    body: body.value,
    ...(hydrated ? { hydrated } : {}),
  })
  if (result.kind !== 'observations') return result
  const unstorable = unstorableIssues(result.observations)
  return unstorable.length > 0 ? { kind: 'invalid', issues: unstorable } : result
}

type Fetched =
  | { readonly kind: 'hydrated'; readonly data: Hydrated }
  | { readonly kind: 'failed'; readonly error: ChannelApiError }

async function hydrate(
  deps: NormalizeDeps,
  message: InboxMessageToNormalize,
  needs: readonly HydrationNeed[],
): Promise<Fetched> {
  const client = deps.accounts.client(message.channel, message.account_id)
  if (!client) {
    const error = new ChannelApiError(
      'permanent',
      `account ${message.channel}/${message.account_id} has no API client to fetch ${needs.length} record(s) with (is the account still configured?)`,
    )
    return { kind: 'failed', error }
  }
  const startedAt = deps.clock.now()
  try {
    // An order read by order sync is fetched in its run's lane, behind webhooks' orders.
    const via = foundBy(message)
    const lane = via === 'webhook' ? 'hydrate' : via === 'sync' ? 'poll' : 'backfill'
    const data = await inLane(lane, () => client.hydrate(needs))
    // The credentials worked, so an earlier "access revoked" alert no longer holds.
    await clearRevokedAlert(deps.db, message.channel, message.account_id, startedAt)
    return { kind: 'hydrated', data }
  } catch (err) {
    if (err instanceof ChannelApiError) return { kind: 'failed', error: err }
    throw err
  }
}

/**
 * What a failed channel API call means for the message: rate limits wait without spending an
 * attempt; faults that may pass (including refused credentials, which an operator can fix while
 * the retries run) are retried with backoff; a request the channel calls wrong fails now.
 */
async function settleHydrationFailure(
  deps: NormalizeDeps,
  inboxId: string,
  fetched: Extract<Fetched, { kind: 'failed' }>,
): Promise<StepResult> {
  const { error } = fetched
  const reason = `hydration failed (${error.kind}): ${error.message}`
  switch (error.kind) {
    case 'rate-limited':
      return { kind: 'later', reason, delayMs: error.details.retryAfterMs ?? 1_000 }
    case 'transient':
      throw error
    case 'unauthorized':
      deps.log.warn({ inboxId, err: error.message }, 'channel refused the account credentials')
      throw error
    case 'permanent':
      return failPermanently(deps, inboxId, reason)
  }
}

async function failPermanently(
  deps: NormalizeDeps,
  inboxId: string,
  reason: string,
): Promise<StepResult> {
  await settleIfOpen(deps, inboxId, { reason })
  return { kind: 'permanent', reason }
}

/** Received, or failed and being retried; `normalized` and `ignored` are final. */
export function isOpen(status: InboxStatus): boolean {
  return status === 'received' || status === 'failed'
}

async function settleIfOpen(
  deps: NormalizeDeps,
  inboxId: string,
  outcome: InboxOutcome,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const status = (await lockInboxStatuses(trx, [inboxId])).get(inboxId)
    if (status && isOpen(status)) {
      await settleInboxMessage(trx, inboxId, 'failed', outcome, deps.clock.now())
    }
  })
}
