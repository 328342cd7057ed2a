import type { Kysely } from 'kysely'
import { upsertListings } from '../db/repos/listings.js'
import { holdNewListings } from './plan-push.js'
import type { Database } from '../db/schema.js'
import type { Adjustment, AdjustmentOutcome } from '../inventory/adjustments.js'
import { commitLedgerCommands } from '../inventory/group-commit.js'
import type { LedgerCommand, LedgerOutcome, Level, LevelOutcome } from '../inventory/ledger-plan.js'
import { resolveListings, type ListingRow } from '../inventory/listing-input.js'
import type { Logger } from '../logger.js'
import type { Queues } from '../queues/index.js'
import type { Clock } from '../clock.js'
import type { StockCounter } from '../metrics/stock.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { createBatcher, type BatcherOptions } from './batcher.js'

export interface InventoryCommandDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly queues: Queues
  readonly accounts: AccountDirectory
  readonly config: { readonly stock: { readonly orderClockSkewMs: number } }
  /** `held` counts the new listings held as they are created, as a held push would. */
  readonly stockCounter: StockCounter
}

/** Ledger commands in one transaction: all applied and answered after commit, or none. */
async function commitBatch(
  deps: InventoryCommandDeps,
  commands: readonly LedgerCommand[],
): Promise<LedgerOutcome[]> {
  const now = deps.clock.now()
  return deps.db.transaction().execute((trx) => commitLedgerCommands(trx, commands, now))
}

/** `PUT /v1/inventory/:sku` alone, in its own transaction. */
export async function putInventoryLevel(
  deps: InventoryCommandDeps,
  level: Level,
): Promise<LevelOutcome> {
  const [out] = await commitBatch(deps, [{ kind: 'level', level }])
  return levelOutcome(out!)
}

/** `POST /v1/inventory/adjustments` alone, in its own transaction. */
export async function postAdjustment(
  deps: InventoryCommandDeps,
  adjustment: Adjustment,
): Promise<AdjustmentOutcome> {
  const [out] = await commitBatch(deps, [{ kind: 'adjustment', adjustment }])
  return adjustmentOutcome(out!)
}

// Outcomes come back in command order; these narrow one to the command's kind.
function levelOutcome(out: LedgerOutcome): LevelOutcome {
  if (out.kind !== 'level') throw new Error(`a level was answered as ${out.kind}`)
  return out.outcome
}

function adjustmentOutcome(out: LedgerOutcome): AdjustmentOutcome {
  if (out.kind !== 'adjustment') throw new Error(`an adjustment was answered as ${out.kind}`)
  return out.outcome
}

/** Levels and adjustments, group-committed: what the HTTP routes use (one per process). */
export interface InventoryWriter {
  putInventoryLevel(level: Level): Promise<LevelOutcome>
  postAdjustment(adjustment: Adjustment): Promise<AdjustmentOutcome>
}

type Answer = { ok: true; outcome: LedgerOutcome } | { ok: false; error: unknown }

/**
 * Commands arriving while earlier batches are in flight are applied together: one transaction,
 * one lock per SKU (see `commitLedgerCommands`), so a burst on one SKU no longer queues on its own
 * row lock one command at a time. Nothing is answered before its batch commits. If PostgreSQL
 * fails a batch (it refused a value, a deadlock, the connection was terminated), its commands are
 * retried one per transaction, so only the one at fault gets the error.
 */
export function createInventoryWriter(
  deps: InventoryCommandDeps,
  // Two in flight: while one batch holds a hot SKU's lock, the next has begun and waits at the
  // lock, so it goes on the moment the first commits. More would only queue at the same lock and
  // take pool connections the other routes need.
  opts: BatcherOptions = { maxBatch: 200, maxInFlight: 2 },
): InventoryWriter {
  async function flush(commands: readonly LedgerCommand[]): Promise<Answer[]> {
    try {
      return (await commitBatch(deps, commands)).map((outcome) => ({ ok: true, outcome }))
    } catch (err) {
      if (commands.length === 1) return [{ ok: false, error: err }]
      deps.log.warn({ err, commands: commands.length }, 'ledger batch failed; applying one by one')
      return oneByOne(deps, commands)
    }
  }
  const batcher = createBatcher(flush, opts)
  async function submit(command: LedgerCommand): Promise<LedgerOutcome> {
    const answer = await batcher.submit(command)
    if (!answer.ok) throw answer.error
    return answer.outcome
  }
  return {
    putInventoryLevel: async (level) => levelOutcome(await submit({ kind: 'level', level })),
    postAdjustment: async (adjustment) =>
      adjustmentOutcome(await submit({ kind: 'adjustment', adjustment })),
  }
}

/**
 * `PUT /v1/listings` and `hub listings import`: creates or replaces listings (all or nothing),
 * then queues a push for each, so a new mapping shows the SKU's quantity at once; a listing whose
 * push would be held (its SKU's on-hand unknown, its account onboarding) is recorded as held
 * instead, and its SKU's first level queues it. If the enqueue fails, the sweeper pushes them
 * later (their `updated_at` is after their last push).
 */
export async function putListings(
  deps: InventoryCommandDeps,
  rows: readonly ListingRow[],
): Promise<{ ok: true; ids: string[] } | { ok: false; problems: string[] }> {
  const resolved = resolveListings(rows, deps.accounts)
  if (!resolved.ok) return resolved
  let ids: string[]
  try {
    ids = await upsertListings(deps.db, resolved.listings)
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'listing_one_inventory_source')
      return {
        ok: false,
        problems: ['listings: a SKU listed here already has another inventory source'],
      }
    throw err
  }
  const targets = resolved.listings.map((l, i) => ({
    id: ids[i]!,
    channel: l.channel,
    account_id: l.accountId,
    sku: l.sku,
  }))
  const held = await holdNewListings(deps.db, deps.accounts, targets, deps.clock.now())
  for (const t of targets)
    if (held.has(t.id)) deps.stockCounter.count(t.channel, t.account_id, 'held')
  const due = targets.filter((t) => !held.has(t.id))
  await deps.queues.stock.enqueue('push', due).catch((err: unknown) => {
    deps.log.warn({ err }, 'enqueue of stock pushes for new listings failed; sweeper will retry')
  })
  return { ok: true, ids }
}

/** A failed batch's commands, each in its own transaction, so only the one at fault fails. */
async function oneByOne(
  deps: InventoryCommandDeps,
  commands: readonly LedgerCommand[],
): Promise<Answer[]> {
  const answers: Answer[] = []
  let down: { error: unknown } | undefined
  for (const command of commands) {
    // Once one alone fails without a SQLSTATE, the server is not answering (unreachable, pool
    // timeout): the rest would each wait as long again, so they fail with it at once.
    const answer: Answer = down
      ? { ok: false, error: down.error }
      : await commitBatch(deps, [command]).then(
          ([outcome]) => ({ ok: true, outcome: outcome! }),
          (error: unknown) => ({ ok: false, error }),
        )
    if (!answer.ok && !answeredByServer(answer.error)) down = { error: answer.error }
    answers.push(answer)
  }
  return answers
}

/** Whether PostgreSQL itself raised the error (it carries a five-character SQLSTATE). */
function answeredByServer(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
}
