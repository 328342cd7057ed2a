/**
 * Delivery metrics per subscription. Deliveries run in worker processes, which serve no HTTP, so
 * (as for stock pushes, see stock.ts) each attempt's outcome and durations are counted into one
 * Redis hash without waiting, and an API process reads it when Prometheus scrapes. The latency
 * histograms are kept as per-bucket counts, so they stay true histograms across every worker
 * process (`histogram_quantile` over `rate(..._bucket[5m])`). A Redis flush resets them, which
 * Prometheus reads as a counter reset. The backlog of each subscription is read from PostgreSQL.
 */
import type { RedisClient } from '../redis-client.js'
import { sql, type Kysely } from 'kysely'
import { Gauge, type Registry } from 'prom-client'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'
import { registerStored, type Sample } from './stored.js'

/**
 * How one step of a delivery ended: `delivered` (2xx), `failed_attempt` (will be retried),
 * `exhausted` (the last attempt failed), `gone` (410: the subscription was disabled), `cancelled`
 * (not attempted: the subscription was disabled or deleted). Each HTTP attempt counts once.
 */
export type DeliveryOutcome = 'delivered' | 'failed_attempt' | 'exhausted' | 'gone' | 'cancelled'

export interface DeliveryObservation {
  readonly subscriptionId: string
  readonly outcome: DeliveryOutcome
  /** How long the HTTP attempt took; absent when none was made. */
  readonly attemptMs?: number
  /** From the event's `recordedAt` to its delivery; only for `delivered`. */
  readonly latencyMs?: number
}

export interface DeliveryCounter {
  record(observation: DeliveryObservation): void
}

/** Event recorded → delivered: up to hours, for a subscriber that was down or paused that long. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400]
/** One HTTP attempt, up to the delivery timeout. */
const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

const HISTOGRAMS = {
  latency: {
    name: 'hub_delivery_latency_seconds',
    help: "Time from an event's recordedAt to its delivery, per subscription (all processes)",
    buckets: LATENCY_BUCKETS,
  },
  attempt: {
    name: 'hub_delivery_attempt_duration_seconds',
    help: 'Duration of each HTTP delivery attempt, whatever its answer, per subscription (all processes)',
    buckets: ATTEMPT_BUCKETS,
  },
} as const
type HistogramId = keyof typeof HISTOGRAMS

// Hash fields. Subscription ids are `sub_` + base64url, so never contain "|".
const outcomeField = (sub: string, outcome: string) => `o|${sub}|${outcome}`
const bucketField = (h: HistogramId, sub: string, bucket: number) => `b|${h}|${sub}|${bucket}`
const sumField = (h: HistogramId, sub: string) => `s|${h}|${sub}`

export function deliveryCounterKey(prefix: string): string {
  return `${prefix}:metrics:deliveries`
}

/** Index of the first bucket holding `seconds`; `buckets.length` stands for +Inf. */
function bucketOf(buckets: readonly number[], seconds: number): number {
  const i = buckets.findIndex((le) => seconds <= le)
  return i === -1 ? buckets.length : i
}

/** How long counts gather in memory before they are written to Redis together. */
const FLUSH_MS = 100

/**
 * Counts into Redis without waiting: a metric must never slow or fail a delivery. Counts made
 * within `FLUSH_MS` of each other are summed in memory and written in one pipeline, so a burst
 * of deliveries costs one Redis round trip per interval instead of one per delivery. What was
 * counted in the last interval before a crash is lost, as with any in-process metric.
 */
export function createDeliveryCounter(redis: RedisClient, prefix: string): DeliveryCounter {
  const key = deliveryCounterKey(prefix)
  const counts = new Map<string, number>()
  const sums = new Map<string, number>()
  let timer: NodeJS.Timeout | undefined
  const add = (map: Map<string, number>, field: string, by: number) =>
    map.set(field, (map.get(field) ?? 0) + by)
  const flush = () => {
    timer = undefined
    const batch = redis.pipeline()
    for (const [field, n] of counts) batch.hincrby(key, field, n)
    for (const [field, n] of sums) batch.hincrbyfloat(key, field, n)
    counts.clear()
    sums.clear()
    batch.exec().catch(() => undefined)
  }
  return {
    record({ subscriptionId: sub, outcome, attemptMs, latencyMs }) {
      add(counts, outcomeField(sub, outcome), 1)
      const observe = (h: HistogramId, ms: number | undefined) => {
        if (ms === undefined) return
        const seconds = Math.max(0, ms) / 1000
        add(counts, bucketField(h, sub, bucketOf(HISTOGRAMS[h].buckets, seconds)), 1)
        add(sums, sumField(h, sub), seconds)
      }
      observe('attempt', attemptMs)
      observe('latency', latencyMs)
      timer ??= setTimeout(flush, FLUSH_MS).unref()
    },
  }
}

/** The stored histogram `h`, as Prometheus samples: cumulative buckets, sum and count per subscription. */
function histogramSamples(h: HistogramId, fields: Record<string, string>): Sample[] {
  const { name, buckets } = HISTOGRAMS[h]
  const counts = new Map<string, number[]>()
  const sums = new Map<string, number>()
  for (const [field, value] of Object.entries(fields)) {
    const parts = field.split('|')
    if (parts[1] !== h || parts[2] === undefined) continue
    if (parts[0] === 'b') {
      const per = counts.get(parts[2]) ?? new Array<number>(buckets.length + 1).fill(0)
      const i = Number(parts[3])
      if (i >= 0 && i <= buckets.length) per[i] = (per[i] ?? 0) + Number(value)
      counts.set(parts[2], per)
    } else if (parts[0] === 's') sums.set(parts[2], Number(value))
  }
  const samples: Sample[] = []
  for (const [subscription, per] of counts) {
    let cumulative = 0
    per.forEach((n, i) => {
      cumulative += n
      const le = i < buckets.length ? String(buckets[i]) : '+Inf'
      samples.push({
        metricName: `${name}_bucket`,
        labels: { subscription, le },
        value: cumulative,
      })
    })
    const sum = sums.get(subscription) ?? 0
    samples.push({ metricName: `${name}_sum`, labels: { subscription }, value: sum })
    samples.push({ metricName: `${name}_count`, labels: { subscription }, value: cumulative })
  }
  return samples
}

export interface SubscriptionBacklog {
  readonly id: string
  readonly url: string
  readonly status: string
  readonly disabledReason: string | null
  readonly pending: number
  readonly oldestSeconds: number
  /** Pending deliveries that failed at least one attempt, and the latest of their errors. */
  readonly retrying: number
  readonly lastError: string | null
}

/**
 * Pending deliveries per subscription that is not deleted. Reads the partial index
 * `delivery_pending_by_subscription` (pending rows only), so its cost is the backlog's size.
 * Shared by `/metrics` and the console.
 */
export async function subscriptionBacklog(
  db: Kysely<Database>,
  now: Date,
): Promise<SubscriptionBacklog[]> {
  const { rows } = await sql<{
    id: string
    url: string
    status: string
    disabled_reason: string | null
    pending: string
    oldest: Date | null
    retrying: string
    last_error: string | null
  }>`
    select s.id, s.url, s.status, s.disabled_reason, count(d.subscription_id) as pending,
           min(d.created_at) as oldest,
           count(d.subscription_id) filter (where d.attempts > 0) as retrying,
           (array_agg(d.last_error order by d.updated_at desc) filter (where d.last_error is not null))[1] as last_error
      from subscription s
      left join delivery d on d.subscription_id = s.id and d.status = 'pending'
     where s.status <> 'deleted'
     group by s.id
     order by s.id`.execute(db)
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    status: r.status,
    disabledReason: r.disabled_reason,
    pending: Number(r.pending),
    oldestSeconds: r.oldest ? Math.max(0, now.getTime() - r.oldest.getTime()) / 1000 : 0,
    retrying: Number(r.retrying),
    lastError: r.last_error,
  }))
}

export function registerDeliveryMetrics(
  registry: Registry,
  deps: {
    readonly db: Kysely<Database>
    readonly redis: RedisClient
    readonly prefix: string
    readonly clock: Clock
  },
): void {
  const stored = () => deps.redis.hgetall(deliveryCounterKey(deps.prefix))
  registerStored(registry, {
    name: 'hub_delivery_outcomes_total',
    help: 'Delivery steps per subscription and outcome: delivered, failed_attempt (retried), exhausted (last attempt failed), gone (410, subscription disabled), cancelled (subscription disabled or deleted, not attempted); all processes',
    type: 'counter',
    async read() {
      const samples: Sample[] = []
      for (const [field, value] of Object.entries(await stored())) {
        const [kind, subscription, outcome] = field.split('|')
        if (kind === 'o' && subscription && outcome)
          samples.push({ labels: { subscription, outcome }, value: Number(value) })
      }
      return samples
    },
  })
  for (const h of Object.keys(HISTOGRAMS) as HistogramId[]) {
    registerStored(registry, {
      ...HISTOGRAMS[h],
      type: 'histogram',
      read: async () => histogramSamples(h, await stored()),
    })
  }

  // The registry collects every metric of a scrape at once, so the three gauges below share one
  // query in flight instead of running it three times.
  let inFlight: Promise<SubscriptionBacklog[]> | undefined
  const backlog = () => {
    if (inFlight) return inFlight
    const started = subscriptionBacklog(deps.db, deps.clock.now())
    const clear = () => {
      inFlight = undefined
    }
    started.then(clear, clear)
    return (inFlight = started)
  }
  const backlogGauge = (name: string, help: string, value: (b: SubscriptionBacklog) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['subscription'],
      registers: [registry],
      async collect() {
        this.reset()
        for (const b of await backlog()) this.set({ subscription: b.id }, value(b))
      },
    })
  backlogGauge(
    'hub_delivery_pending',
    'Deliveries waiting per subscription (not yet delivered, failed or cancelled), paused ones included',
    (b) => b.pending,
  )
  backlogGauge(
    'hub_delivery_oldest_pending_seconds',
    'Age of the oldest waiting delivery per subscription; 0 when none waits',
    (b) => b.oldestSeconds,
  )
  backlogGauge(
    'hub_delivery_subscription_paused',
    'Whether the subscription is paused (1) or not (0); its deliveries wait until it is resumed',
    (b) => (b.status === 'paused' ? 1 : 0),
  )
}
