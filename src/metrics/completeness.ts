/**
 * Completeness and freshness of each account's orders, as the admin API and `/metrics` show them:
 * the sync's watermark and its age, the runs in progress, the orders polling found that no webhook
 * had brought, and how long order events took from the channel's own time to publication.
 */
import { sql, type Kysely } from 'kysely'
import { Gauge, type Registry } from 'prom-client'
import type { Clock } from '../clock.js'
import { listOrderSync, ordersFoundByPolling } from '../db/repos/order-sync.js'
import type { Database, OrderSync, OrderSyncKind } from '../db/schema.js'
import { sharedRead } from './shared-read.js'

type ChannelId = OrderSync['channel']

/** Freshness is measured over this many of the latest published events (an index range on position). */
export const FRESHNESS_WINDOW_EVENTS = 10_000
/** Ids of orders found by polling listed per account, newest first. */
const LATEST_IDS = 20

/** The order lifecycle events whose delay from the channel's time tells how fresh the feed is. */
const ORDER_EVENT_TYPES = [
  'order.created.v1',
  'order.updated.v1',
  'order.cancelled.v1',
  'order.fulfilled.v1',
]

export interface RunView {
  readonly kind: OrderSyncKind
  readonly window: { readonly from: string; readonly to: string }
  readonly pages: number
  readonly ordersRead: number
  /** The latest update time read so far, and the share of the window it covers (0–1). */
  readonly reached: string | null
  readonly progress: number
  readonly startedAt: string | null
  readonly requestedBy: string | null
  /** A process holds it now (else it waits for its next attempt). */
  readonly active: boolean
}

export interface AccountCompleteness {
  readonly account: string
  readonly channel: ChannelId
  readonly accountId: string
  readonly watermark: string | null
  /** Seconds since the watermark: how old the newest update sync vouches for is. */
  readonly watermarkAgeSeconds: number | null
  readonly lastSync: {
    readonly finishedAt: string | null
    readonly ordersRead: number | null
    readonly error: string | null
    readonly errorAt: string | null
  }
  readonly runs: readonly RunView[]
  readonly foundByPolling: {
    readonly sync: number
    readonly backfill: number
    /** The latest order ids polling found, newest first. */
    readonly latest: readonly string[]
  }
  /** From the channel's time of an order change to its event's publication. */
  readonly freshness: {
    readonly events: number
    readonly p50Seconds: number | null
    readonly p99Seconds: number | null
  }
}

/** `accounts`: those whose orders the hub can list (`syncedAccounts`). */
export async function orderCompleteness(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  accounts: readonly { readonly channel: ChannelId; readonly id: string }[],
): Promise<AccountCompleteness[]> {
  const now = deps.clock.now()
  const [rows, found, freshness] = await Promise.all([
    listOrderSync(deps.db),
    ordersFoundByPolling(deps.db, LATEST_IDS),
    orderFreshness(deps.db),
  ])
  const key = (channel: string, accountId: string) => `${channel}/${accountId}`
  return accounts.map((a): AccountCompleteness => {
    const k = key(a.channel, a.id)
    const mine = rows.filter((r) => key(r.channel, r.account_id) === k)
    const sync = mine.find((r) => r.kind === 'sync')
    const polled = found.filter((f) => key(f.channel, f.account_id) === k)
    const fresh = freshness.get(k)
    const watermark = sync?.watermark ?? null
    const errored = mine
      .filter((r) => r.last_error_at !== null)
      .sort((x, y) => y.last_error_at!.getTime() - x.last_error_at!.getTime())[0]
    return {
      account: k,
      channel: a.channel,
      accountId: a.id,
      watermark: watermark?.toISOString() ?? null,
      watermarkAgeSeconds: watermark ? (now.getTime() - watermark.getTime()) / 1000 : null,
      lastSync: {
        finishedAt: sync?.finished_at?.toISOString() ?? null,
        ordersRead: sync?.last_orders_read ?? null,
        error: errored?.last_error ?? null,
        errorAt: errored?.last_error_at?.toISOString() ?? null,
      },
      runs: mine.filter((r) => r.window_from !== null).map((r) => runView(r, now)),
      foundByPolling: {
        sync: polled.find((f) => f.found_by === 'sync')?.count ?? 0,
        backfill: polled.find((f) => f.found_by === 'backfill')?.count ?? 0,
        latest: polled.flatMap((f) => f.latest).slice(0, LATEST_IDS),
      },
      freshness: fresh ?? { events: 0, p50Seconds: null, p99Seconds: null },
    }
  })
}

export function runView(r: OrderSync, now: Date): RunView {
  const from = r.window_from!.getTime()
  const to = r.window_to!.getTime()
  const reached = r.reached?.getTime()
  const progress =
    reached === undefined
      ? 0
      : to > from
        ? Math.min(1, Math.max(0, (reached - from) / (to - from)))
        : 1
  return {
    kind: r.kind,
    window: { from: r.window_from!.toISOString(), to: r.window_to!.toISOString() },
    pages: r.pages,
    ordersRead: r.orders_read,
    reached: r.reached?.toISOString() ?? null,
    progress,
    startedAt: r.started_at?.toISOString() ?? null,
    requestedBy: r.requested_by,
    active: r.lease_until !== null && r.lease_until > now,
  }
}

/** p50 and p99 of (published − channel time) per account, over the latest published events. */
async function orderFreshness(
  db: Kysely<Database>,
): Promise<Map<string, AccountCompleteness['freshness']>> {
  const { rows } = await sql<{
    channel: string
    account_id: string
    events: string
    p50: number | null
    p99: number | null
  }>`
    with recent as (
      select channel, account_id, extract(epoch from published_at - occurred_at) as seconds
        from outbox_event
       where position > (select position from feed_head) - ${FRESHNESS_WINDOW_EVENTS}
         and type = any(${ORDER_EVENT_TYPES}::text[]) and published_at is not null)
    select channel, account_id, count(*) as events,
           percentile_cont(0.5) within group (order by seconds) as p50,
           percentile_cont(0.99) within group (order by seconds) as p99
      from recent group by channel, account_id`.execute(db)
  return new Map(
    rows.map((r) => [
      `${r.channel}/${r.account_id}`,
      {
        events: Number(r.events),
        p50Seconds: r.p50 === null ? null : Math.max(0, Number(r.p50)),
        p99Seconds: r.p99 === null ? null : Math.max(0, Number(r.p99)),
      },
    ]),
  )
}

/**
 * `/metrics` over {@link orderCompleteness}: one query set per scrape, shared by its gauges.
 * Counts of orders found by polling come from PostgreSQL, so every process reports the same.
 */
export function registerCompletenessMetrics(
  registry: Registry,
  deps: {
    readonly db: Kysely<Database>
    readonly clock: Clock
    readonly orderAccounts: readonly { readonly channel: ChannelId; readonly id: string }[]
  },
): void {
  if (deps.orderAccounts.length === 0) return
  const read = sharedRead(() => orderCompleteness(deps, deps.orderAccounts))
  const gauge = (
    name: string,
    help: string,
    labelNames: readonly string[],
    set: (g: Gauge, a: AccountCompleteness) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset()
        for (const a of await read()) set(this, a)
      },
    })
  const labels = (a: AccountCompleteness) => ({ channel: a.channel, account: a.accountId })
  gauge(
    'hub_order_sync_watermark_age_seconds',
    "Seconds since the account's order sync watermark: updates older than this were all read from the channel's list (absent before its first sync)",
    ['channel', 'account'],
    (g, a) => {
      if (a.watermarkAgeSeconds !== null) g.set(labels(a), a.watermarkAgeSeconds)
    },
  )
  gauge(
    'hub_order_sync_failing',
    "1 while the account's last order sync attempt failed (its error is in GET /v1/admin/order-sync), else 0",
    ['channel', 'account'],
    (g, a) => g.set(labels(a), a.lastSync.error === null ? 0 : 1),
  )
  gauge(
    'hub_orders_found_by_polling',
    'Orders that reached the hub first through order sync, not a webhook, by how (sync, backfill); from PostgreSQL',
    ['channel', 'account', 'via'],
    (g, a) => {
      g.set({ ...labels(a), via: 'sync' }, a.foundByPolling.sync)
      g.set({ ...labels(a), via: 'backfill' }, a.foundByPolling.backfill)
    },
  )
  gauge(
    'hub_order_freshness_seconds',
    `Seconds from the channel's time of an order change to its event's publication, over the latest ${FRESHNESS_WINDOW_EVENTS} published events, by quantile`,
    ['channel', 'account', 'quantile'],
    (g, a) => {
      if (a.freshness.p50Seconds !== null)
        g.set({ ...labels(a), quantile: '0.5' }, a.freshness.p50Seconds)
      if (a.freshness.p99Seconds !== null)
        g.set({ ...labels(a), quantile: '0.99' }, a.freshness.p99Seconds)
    },
  )
}
