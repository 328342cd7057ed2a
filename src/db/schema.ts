import type { ColumnType, Generated, Selectable } from 'kysely'
import type { ChannelId, ContentMode, EventOriginId } from '../events/index.js'

/** bigint identity columns: pg returns int8 as a string, which never loses precision. */
type BigIntId = Generated<string>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export type InboxStatus = 'received' | 'normalized' | 'ignored' | 'failed'

/** One verified webhook, exactly as received. Unique on (channel, account_id, dedupe_key). */
export interface InboxMessageTable {
  id: BigIntId
  channel: ChannelId
  account_id: string
  dedupe_key: string
  topic: string
  /** Request headers with credentials masked. */
  headers: Json<Record<string, string>>
  /** The exact bytes received; signatures were verified over these. */
  raw_body: Buffer
  channel_time: Timestamp | null
  received_at: Timestamp
  status: Generated<InboxStatus>
  /** Why it was ignored or failed: `{ reason }` or `{ issues: [...] }`. */
  outcome: Json<InboxOutcome> | null
  processed_at: Timestamp | null
  /**
   * The W3C trace context of the request that delivered it (`{ traceparent, tracestate? }`),
   * written only while tracing is on (src/tracing/): its normalization continues that trace.
   */
  trace_context: ColumnType<unknown, string | undefined, never>
  /**
   * When its personal values were replaced by the marker (after PII_REDACT_AFTER_DAYS, or by an
   * erasure); null while it holds the bytes as received. A redacted message is never replayed.
   */
  redacted_at: Timestamp | null
}
export type InboxOutcome =
  { readonly reason: string } | { readonly issues: readonly string[] } | { readonly events: number }

/** Latest known state of each channel order. */
export interface SalesOrderTable {
  id: BigIntId
  channel: ChannelId
  account_id: string
  external_id: string
  status: string
  /** The channel's last-modified time of `snapshot`; an older snapshot never replaces it. */
  channel_updated_at: Timestamp
  /** The OrderSnapshot of the event contract. */
  snapshot: Json<unknown>
  last_inbox_id: string | null
  /** How the order first reached the hub: a webhook, or the channel's list API (order sync). */
  found_by: Generated<OrderFoundBy>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type OrderSyncKind = 'sync' | 'backfill'
export type OrderFoundBy = 'webhook' | OrderSyncKind

/**
 * Order sync of one channel account, per kind: the scheduled sync's watermark and the run in
 * progress (window, next page's cursor, progress), committed after every page.
 */
export interface OrderSyncTable {
  channel: ChannelId
  account_id: string
  kind: OrderSyncKind
  /** `sync`: every order last updated before this was read into the inbox (less the overlap). */
  watermark: Timestamp | null
  /** The run in progress: orders last updated in `[window_from, window_to)`; null when idle. */
  window_from: Timestamp | null
  window_to: Timestamp | null
  /** The channel's cursor of the next page; null for the first. */
  page: string | null
  pages: Generated<number>
  orders_read: Generated<number>
  /** The latest update time among the orders read so far in this run. */
  reached: Timestamp | null
  started_at: Timestamp | null
  requested_by: string | null
  lease_owner: string | null
  lease_until: Timestamp | null
  finished_at: Timestamp | null
  last_orders_read: number | null
  last_error: string | null
  last_error_at: Timestamp | null
  updated_at: Generated<Date>
}

/** Events, appended in the transaction of the state change they describe. */
export interface OutboxEventTable {
  id: string
  /** Insertion order, used by the relay to claim events; not visible to subscribers. */
  seq: BigIntId
  type: string
  channel: EventOriginId
  account_id: string
  subject: string
  occurred_at: Timestamp
  recorded_at: Timestamp
  /** The event envelope without `position`, as written (`json`, so field order is kept). */
  envelope: Json<Record<string, unknown>>
  inbox_id: string | null
  /** Feed position, set by the relay: gap-free and increasing in the order events were relayed. */
  position: ColumnType<string | null, never, string>
  published_at: ColumnType<Date | null, never, Date | string>
}

/** Single row holding the last assigned feed position; its row lock serializes relay batches. */
export interface FeedHeadTable {
  id: number
  position: ColumnType<string, never, string>
  /** The first position still stored: retention dropped every one before it. */
  retained_from: ColumnType<string, never, string>
}

/** The inbox's (channel, account, dedupe key) uniqueness, which the partitioned inbox cannot hold. */
export interface InboxDedupeTable {
  channel: string
  account_id: string
  dedupe_key: string
  received_at: Timestamp
}

/** The outbox's event id uniqueness, which the partitioned outbox cannot hold. */
export interface OutboxEventKeyTable {
  id: string
  recorded_at: Timestamp
}

/** A partition past its retention that still holds unfinished work, so was kept. */
export interface PartitionHoldTable {
  partition_name: string
  table_name: string
  reason: string
  since: Generated<Timestamp>
}

/** `paused`: deliveries are still created but held pending until the subscription is resumed. */
export type SubscriptionStatus = 'active' | 'paused' | 'disabled' | 'deleted'

export interface SubscriptionTable {
  id: string
  url: string
  event_types: ColumnType<string[], string[], string[]>
  /** `whsec_` + base64 key, used to sign deliveries (Standard Webhooks). */
  secret: string
  description: string | null
  status: Generated<SubscriptionStatus>
  disabled_reason: string | null
  /** How deliveries carry the event (CloudEvents HTTP binding); `structured` unless chosen. */
  content_mode: Generated<ContentMode>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled'

/** One event owed to one subscription. Unique on (event_id, subscription_id). */
export interface DeliveryTable {
  id: BigIntId
  event_id: string
  subscription_id: string
  status: Generated<DeliveryStatus>
  attempts: Generated<number>
  last_error: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  delivered_at: Timestamp | null
}

/** Every HTTP attempt of a delivery. */
export interface DeliveryAttemptTable {
  id: BigIntId
  delivery_id: string
  attempt: number
  started_at: Timestamp
  duration_ms: number
  status_code: number | null
  error: string | null
  /** First 1 KiB of the subscriber's response body. */
  response_excerpt: string | null
}

export type AccountAlertKind = 'revoked' | 'expiring'

/** The latest alert of each kind a channel raised about an account. */
export interface AccountAlertTable {
  channel: ChannelId
  account_id: string
  kind: AccountAlertKind
  /** The channel's own words. */
  message: string
  /** When the channel raised it. */
  occurred_at: Timestamp
  /** The webhook that carried it. */
  inbox_id: string
}

/** A bearer token the hub issued for a channel's webhooks; only its SHA-256 is kept. */
export interface WebhookTokenTable {
  token_hash: Buffer
  channel: ChannelId
  account_id: string
  /** The OAuth client that obtained it. */
  client_id: string
  issued_at: Timestamp
  expires_at: Timestamp
}

/** A subscription the hub confirmed at a channel's request (an SNS topic's). */
export interface ChannelSubscriptionTable {
  channel: ChannelId
  account_id: string
  topic: string
  subscription_id: string | null
  confirmed_at: Timestamp
  inbox_id: string
}

/** A SKU's stock: on-hand, reserved, and available-to-sell (`ats`). */
export interface InventoryItemTable {
  sku: string
  on_hand: Generated<number>
  on_hand_as_of: Timestamp | null
  safety_stock: Generated<number>
  reserved: Generated<number>
  ats: Generated<number>
  ats_changed_at: ColumnType<Date, Date | string | undefined, Date | string>
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  /** An absolute level or an adjustment has set on-hand; until then nothing is pushed. */
  on_hand_known: Generated<boolean>
}

/** An on-hand delta applied once, by its idempotency key. */
export interface InventoryAdjustmentTable {
  idempotency_key: string
  sku: string
  delta: number
  reason: string | null
  on_hand_after: number
  /** The location whose on-hand it changed. */
  location: Generated<string>
  applied_at: Generated<Date>
}

/** One location's on-hand of a SKU; `inventory_item.on_hand` is the sum over its locations. */
export interface InventoryLocationLevelTable {
  sku: string
  location: string
  on_hand: Generated<number>
  /** The as-of of the location's last absolute level; an older one changes nothing. */
  on_hand_as_of: Timestamp | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** What one channel order line holds of a SKU. */
export interface ReservationTable {
  channel: ChannelId
  account_id: string
  order_id: string
  line_id: string
  sku: string
  held: number
  consumed: number
  settled: Generated<number>
  consumed_at: Timestamp | null
  updated_at: Timestamp
  /** The location the order line names, as the channel names it; null when it names none. */
  location: Generated<string | null>
}

/**
 * `held`: not sent, and `last_push_error` says why (on-hand not known yet); `not-live`: nothing was
 * sent, the listing's account is onboarding (src/inventory/onboarding.ts).
 */
export type PushStatus = 'applied' | 'queued' | 'failed' | 'held' | 'not-live'

/** A SKU's unit at one channel account, with what the hub pushed, the channel reported and reconciliation found. */
export interface ListingTable {
  id: BigIntId
  sku: string
  channel: ChannelId
  account_id: string
  unit: Json<Record<string, unknown>>
  unit_key: string
  channel_sku: string | null
  policy: Json<Record<string, unknown>>
  inventory_source: Generated<boolean>
  /** The hub locations the listing draws from; null: all of its SKU's. */
  locations: Generated<string[] | null>
  last_pushed_quantity: number | null
  last_pushed_at: Timestamp | null
  last_push_attempt_at: Timestamp | null
  last_push_status: PushStatus | null
  last_push_error: string | null
  last_reported_quantity: number | null
  last_reported_at: Timestamp | null
  last_report_echo: boolean | null
  last_checked_quantity: number | null
  last_checked_at: Timestamp | null
  last_drift: number | null
  /** What the hub last told the channel (or read from it): the base of what it believes is offered. */
  offered_base: number | null
  /** Units the account had committed of the SKU by then, sales the hub had not heard of included. */
  committed_at_base: Generated<number>
  /** A write sent and not confirmed: counted as offered until it is. */
  inflight_quantity: number | null
  /** From the read before the last write to its answer: orders placed then may have been overwritten. */
  race_from: Timestamp | null
  race_to: Timestamp | null
  created_at: Generated<Date>
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** One mutating admin request. */
export interface AuditLogTable {
  id: BigIntId
  at: Generated<Date>
  actor: string
  method: string
  path: string
  query: string | null
  body: string | null
  status: number
  details: Json<Record<string, unknown>> | null
  request_id: string
}

/** An order id or SKU a message was about, from its observations (written when it is normalized). */
export interface InboxSubjectTable {
  inbox_id: string
  kind: InboxSubjectKind
  value: string
}
export type InboxSubjectKind = 'order' | 'sku'

export type ReplayRunStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed'

/** A bulk replay: its filter and progress, resumable from `cursor` after a restart. */
export interface ReplayRunTable {
  id: string
  filter: Json<Record<string, unknown>>
  status: Generated<ReplayRunStatus>
  total: number
  /** The newest message the run covers; later arrivals are normalized the usual way. */
  max_inbox_id: string
  /** The last message processed (messages are replayed oldest first). */
  cursor: ColumnType<string, string | undefined, string>
  processed: Generated<number>
  produced_events: Generated<number>
  error_count: Generated<number>
  /** The first errors, `{ inboxId, reason }`. */
  errors: ColumnType<ReplayError[], string | undefined, string>
  requested_by: string
  created_at: Generated<Date>
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}
export interface ReplayError {
  readonly inboxId: string
  readonly reason: string
}

/** A SKU whose reservations changed (by the order named), not yet settled into its ledger row. */
export interface InventoryChangeTable {
  id: BigIntId
  sku: string
  channel: ChannelId
  account_id: string
  order_id: string
  /** How much this order's reservations changed the SKU's live units; null on notes from before deltas. */
  reserved_delta: number | null
}

/** Whether the hub pushes stock to a channel account (safe onboarding, issue #15). */
export interface AccountStockStateTable {
  channel: ChannelId
  account_id: string
  /** null: as the accounts file says (`stock.onboarding`); set by an explicit switch. */
  live: boolean | null
  adopted_at: Timestamp | null
  went_live_at: Timestamp | null
  changed_by: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** A named reader of the feed and the position it committed (issue #17). */
export interface ConsumerTable {
  name: string
  event_types: ColumnType<string[], string[], string[]>
  /** The last position it processed (bigint, as a string); it reads from the next one. */
  position: ColumnType<string, string, string>
  committed_at: Timestamp | null
  created_at: Generated<Date>
}

/** Pushed stock statuses: a write was sent (`stock_push` records no push that sent nothing). */
export type SentPushStatus = Extract<PushStatus, 'applied' | 'queued' | 'failed'>

/**
 * One stock push outcome, appended with the listing's record of it (src/db/repos/listings.ts).
 * Append-only; retention comes with issue #19.
 */
export interface StockPushTable {
  id: BigIntId
  listing_id: string
  sku: string
  channel: ChannelId
  account_id: string
  status: SentPushStatus
  /** What the channel was told; null when the push failed. */
  quantity: number | null
  error: string | null
  /** The SKU's available-to-sell the push was planned from, when the pusher knew it. */
  ats: number | null
  /** The quantity the allocation and policy planned, before the channel's read and range. */
  planned: number | null
  at: Timestamp
}

/** The pipeline's backlog, sampled once a minute by the relay leader (the console's chart). */
export interface BacklogSampleTable {
  at: Timestamp
  inbox_unprocessed: number
  outbox_unpublished: number
  deliveries_pending: number
}

/** One erasure request (POST /v1/admin/erasures): what was asked, by whom, what it changed. */
export interface ErasureTable {
  id: BigIntId
  requested_at: Timestamp
  requested_by: string
  /** SHA-256 (hex) of the e-mail asked for, trimmed and lower-cased; never the e-mail itself. */
  email_sha256: string | null
  order_channel: ChannelId | null
  order_account_id: string | null
  order_external_id: string | null
  /** Orders found. */
  orders: number
  /** Rows changed per table (and Redis jobs), as the answer gave them. */
  changed: Json<Record<string, number>>
}

export interface Database {
  account_stock_state: AccountStockStateTable
  inventory_change: InventoryChangeTable
  audit_log: AuditLogTable
  inventory_item: InventoryItemTable
  inventory_adjustment: InventoryAdjustmentTable
  inventory_location_level: InventoryLocationLevelTable
  reservation: ReservationTable
  listing: ListingTable
  channel_subscription: ChannelSubscriptionTable
  account_alert: AccountAlertTable
  webhook_token: WebhookTokenTable
  inbox_message: InboxMessageTable
  sales_order: SalesOrderTable
  outbox_event: OutboxEventTable
  feed_head: FeedHeadTable
  inbox_dedupe: InboxDedupeTable
  outbox_event_key: OutboxEventKeyTable
  partition_hold: PartitionHoldTable
  subscription: SubscriptionTable
  delivery: DeliveryTable
  delivery_attempt: DeliveryAttemptTable
  inbox_subject: InboxSubjectTable
  replay_run: ReplayRunTable
  order_sync: OrderSyncTable
  backlog_sample: BacklogSampleTable
  consumer: ConsumerTable
  stock_push: StockPushTable
  erasure: ErasureTable
}

/** A message as the hub reads it; `trace_context` is read by the sweeper alone (see sweep.ts). */
export type InboxMessage = Omit<Selectable<InboxMessageTable>, 'trace_context'>
export type Subscription = Selectable<SubscriptionTable>
export type Listing = Selectable<ListingTable>
export type InventoryItem = Selectable<InventoryItemTable>
export type ReplayRun = Selectable<ReplayRunTable>
export type OrderSync = Selectable<OrderSyncTable>
export type Consumer = Selectable<ConsumerTable>
export type AccountStockState = Selectable<AccountStockStateTable>
export type StockPush = Selectable<StockPushTable>
