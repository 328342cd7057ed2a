/**
 * Prometheus metrics (`GET /metrics`), with prom-client. Counters are this process's own (what its
 * HTTP intake saw); everything else is read from PostgreSQL and Redis when Prometheus scrapes, so
 * any API process reports the whole hub's backlog, workers included, without a metrics port of
 * its own. Scrape-time queries use the partial indexes the sweeper and relay already rely on.
 */
import type { RedisClient } from '../redis-client.js'
import type { Kysely } from 'kysely'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import type { Queues } from '../queues/index.js'
import { registerAdminMetrics, type AdminCounters } from './admin.js'
import { registerApiBudgetMetrics } from './api-budget.js'
import { backlogSnapshot, type BacklogSnapshot } from './backlog.js'
import { registerCompletenessMetrics } from './completeness.js'
import { registerConsumerMetrics } from './consumers.js'
import { registerDeliveryMetrics } from './delivery.js'
import { registerLifecycleMetrics } from './lifecycle.js'
import { registerStockMetrics } from './stock.js'
import { registerStreamMetrics, type StreamCounters } from './streams.js'

export interface Metrics {
  readonly registry: Registry
  /** One scrape, in Prometheus text format (`registry.contentType`). */
  render(): Promise<string>
  /**
   * One webhook answered: its outcome, and for a refusal the verification failure. `account` is
   * the configured account it was addressed to, or undefined when none is (so a caller posting to
   * made-up account paths cannot grow the label set).
   */
  countWebhook(
    channel: string,
    account: string | undefined,
    outcome: string,
    failure?: string,
  ): void
  /** Refusals on the admin surface (metrics/admin.ts). */
  readonly admin: AdminCounters
  /** This process's Server-Sent Events streams (metrics/streams.ts). */
  readonly streams: StreamCounters
  /** One connection the HTTP server let go unanswered or answered 408/400 (see `startHttp`). */
  countDroppedConnection(reason: string): void
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

export function createMetrics(deps: {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly clock: Clock
  readonly redis: RedisClient
  readonly prefix: string
  /** Accounts whose orders the hub lists (order sync), for the completeness gauges. */
  readonly orderAccounts?: readonly {
    readonly channel: Database['order_sync']['channel']
    readonly id: string
  }[]
}): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'hub_' })
  // prom-client's sums of the per-type gauges `hub_nodejs_active_{handles,requests,resources}`
  // are gauges named `_total`, which Prometheus tooling takes for counters (rate() over them is
  // wrong); the per-type gauges stay, and `sum()` over them gives the same number.
  for (const kind of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`hub_nodejs_active_${kind}_total`)
  registerStockMetrics(registry, deps)
  registerApiBudgetMetrics(registry, deps)
  registerDeliveryMetrics(registry, deps)
  registerCompletenessMetrics(registry, { ...deps, orderAccounts: deps.orderAccounts ?? [] })
  registerConsumerMetrics(registry, deps)
  registerLifecycleMetrics(registry, deps)
  const admin = registerAdminMetrics(registry)
  const streams = registerStreamMetrics(registry)
  const received = new Counter({
    name: 'hub_webhooks_received_total',
    help: 'Webhooks answered by this process, by channel, configured account ("" for an unknown one) and outcome (accepted, kept-failed, duplicate, rejected, unknown-account, unavailable, too-large)',
    labelNames: ['channel', 'account', 'outcome'],
    registers: [registry],
  })
  const verificationFailures = new Counter({
    name: 'hub_webhook_verification_failures_total',
    help: 'Webhooks refused by signature or credential verification, by channel, account and reason',
    labelNames: ['channel', 'account', 'reason'],
    registers: [registry],
  })
  new Gauge({
    name: 'hub_queue_jobs',
    help: 'Jobs per queue and state (BullMQ)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const queue of deps.queues.all) {
        const counts = await queue.getJobCounts(...QUEUE_STATES)
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0)
      }
    },
  })
  new Gauge({
    name: 'hub_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting in each queue; 0 when none waits',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset()
      const now = deps.clock.now().getTime()
      for (const queue of deps.queues.all) {
        const [oldest] = await queue.getJobs(['waiting'], 0, 0, true)
        this.set({ queue: queue.name }, oldest ? Math.max(0, now - oldest.timestamp) / 1000 : 0)
      }
    },
  })
  // One query serves all five backlog gauges of a scrape; `render` starts each scrape afresh.
  let snapshot: Promise<BacklogSnapshot> | undefined
  const current = () => (snapshot ??= backlogSnapshot(deps.db, deps.clock))
  const backlog = (name: string, help: string, pick: (b: BacklogSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await current()))
      },
    })
  backlog('hub_inbox_unprocessed', 'Stored webhooks not yet normalized', (b) => b.inboxUnprocessed)
  backlog(
    'hub_inbox_oldest_unprocessed_seconds',
    'Age of the oldest stored webhook not yet normalized; 0 when none',
    (b) => b.inboxOldestSeconds,
  )
  backlog(
    'hub_outbox_lag_seconds',
    'Age of the oldest event not yet published to the feed; 0 when none',
    (b) => b.outboxLagSeconds,
  )
  backlog('hub_feed_position', 'Position of the newest event in the feed', (b) => b.feedPosition)
  backlog(
    'hub_deliveries_pending',
    'Deliveries not yet delivered, failed or cancelled',
    (b) => b.deliveriesPending,
  )

  const droppedConnections = new Counter({
    name: 'hub_http_connections_dropped_total',
    help: 'Connections the HTTP server dropped, by reason: max-connections (over HTTP_MAX_CONNECTIONS), timeout (headers or request too slow), malformed',
    labelNames: ['reason'],
    registers: [registry],
  })

  return {
    registry,
    admin,
    streams,
    async render() {
      snapshot = undefined
      try {
        return await registry.metrics()
      } finally {
        snapshot = undefined
      }
    },
    countWebhook(channel, account, outcome, failure) {
      received.inc({ channel, account: account ?? '', outcome })
      if (failure) verificationFailures.inc({ channel, account: account ?? '', reason: failure })
    },
    countDroppedConnection(reason) {
      droppedConnections.inc({ reason })
    },
  }
}
