import type { Registry } from 'prom-client'

/**
 * Webhooks refused before anything is stored exist only in the answering process's prom-client
 * counters (`hub_webhooks_received_total`, `hub_webhook_verification_failures_total`), so the
 * console shows this process's counts: since it started, and per minute from samples it keeps
 * while it is asked (one every {@link SAMPLE_EVERY_MS} at most, for {@link KEPT_MS}).
 */
const SAMPLE_EVERY_MS = 10_000
const KEPT_MS = 5 * 60_000

/** Outcomes that stored the webhook (a duplicate was stored before); the others are refusals. */
const STORED = new Set(['accepted', 'kept-failed', 'duplicate'])

export interface AccountWebhookCounts {
  readonly channel: string
  /** The configured account addressed; '' for webhooks to an account the hub does not have. */
  readonly account: string
  /** Since this process started. */
  readonly received: number
  readonly refused: number
  /** Per minute over the last minute or so of samples; null until two samples a minute apart. */
  readonly receivedPerMinute: number | null
  readonly refusedPerMinute: number | null
  /** Refusals by outcome (rejected, unknown-account, too-large, unavailable …). */
  readonly refusedBy: Readonly<Record<string, number>>
  /** Verification failures by reason (bad-signature, stale …). */
  readonly failureReasons: Readonly<Record<string, number>>
}

interface Totals {
  received: number
  refused: number
  readonly refusedBy: Record<string, number>
  readonly failureReasons: Record<string, number>
}

interface Sample {
  readonly at: number
  readonly totals: ReadonlyMap<string, { readonly received: number; readonly refused: number }>
}

/** The counters' label pair as one key. */
const keyOf = (labels: Partial<Record<string, string | number>>) =>
  `${labels.channel}/${labels.account ?? ''}`

export function webhookCounts(registry: Registry) {
  const samples: Sample[] = []
  const values = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? []
  return async function read(now: Date): Promise<AccountWebhookCounts[]> {
    const byAccount = new Map<string, Totals & { channel: string; account: string }>()
    const entry = (labels: Partial<Record<string, string | number>>) => {
      const key = keyOf(labels)
      let e = byAccount.get(key)
      if (!e) {
        e = {
          channel: String(labels.channel),
          account: String(labels.account ?? ''),
          received: 0,
          refused: 0,
          refusedBy: {},
          failureReasons: {},
        }
        byAccount.set(key, e)
      }
      return e
    }
    for (const v of await values('hub_webhooks_received_total')) {
      const outcome = String(v.labels.outcome)
      const e = entry(v.labels)
      e.received += v.value
      if (!STORED.has(outcome)) {
        e.refused += v.value
        e.refusedBy[outcome] = (e.refusedBy[outcome] ?? 0) + v.value
      }
    }
    for (const v of await values('hub_webhook_verification_failures_total')) {
      const e = entry(v.labels)
      const reason = String(v.labels.reason)
      e.failureReasons[reason] = (e.failureReasons[reason] ?? 0) + v.value
    }
    const at = now.getTime()
    const totals = new Map(
      [...byAccount].map(([k, e]) => [k, { received: e.received, refused: e.refused }]),
    )
    if (samples.length === 0 || at - samples[samples.length - 1]!.at >= SAMPLE_EVERY_MS)
      samples.push({ at, totals })
    while (samples.length > 0 && at - samples[0]!.at > KEPT_MS) samples.shift()
    // The newest sample at least a minute old: the rate is measured over [it, now].
    const base = samples.findLast((s) => at - s.at >= 60_000)
    const perMinute = (now: number, then: number | undefined) =>
      base === undefined ? null : ((now - (then ?? 0)) * 60_000) / (at - base.at)
    return [...byAccount]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, e]) => ({
        ...e,
        receivedPerMinute: perMinute(e.received, base?.totals.get(key)?.received),
        refusedPerMinute: perMinute(e.refused, base?.totals.get(key)?.refused),
      }))
  }
}
