import type { StockPolicy } from '../inventory/policy.js'
import { spoken } from './entries.js'

/** Where a SKU's on-hand came from: the newest level or adjustment that set it. */
export interface OnHandSource {
  /** `count`: an absolute level from the API (a recount); `report`: the inventory-source channel's. */
  readonly kind: 'count' | 'report' | 'adjustment'
  readonly at: string
  /** The adjustment's key, or the reporting channel account. */
  readonly reference: string | null
  /** The adjustment's reason. */
  readonly reason: string | null
}

export interface ReservingOrder {
  readonly channel: string
  readonly account: string
  readonly orderId: string
  readonly units: number
  /** When its reservation last changed. */
  readonly changedAt: string
}

/** Why a listing's quantity is what it is: the numbers the push uses, and what happened to them. */
export interface ListingExplanation {
  readonly listing: {
    readonly id: string
    readonly channel: string
    readonly account: string
    readonly channelSku: string | null
  }
  readonly sku: string
  readonly onHand: number
  /** When the last absolute level was counted; null when only adjustments set it. */
  readonly onHandAsOf: string | null
  readonly onHandSource: OnHandSource | null
  readonly reserved: number
  /** Orders holding units of the SKU, most recent first; at most a few (`reservingOrdersMore`). */
  readonly reservingOrders: readonly ReservingOrder[]
  readonly reservingOrdersMore: boolean
  readonly safetyStock: number
  /** Available to sell: `max(0, onHand − reserved − safetyStock)`. */
  readonly ats: number
  /** The account's policy with the listing's own fields in place (src/inventory/policy.ts). */
  readonly policy: StockPolicy
  /** Its place in the SKU's allocation (src/inventory/allocation.ts), as its next push sees it. */
  readonly allocation: {
    readonly mode: 'shared' | 'partitioned'
    /** Its share after policy (partitioned), or what it is offered (shared). */
    readonly share: number
    /** What the hub believes the channel offers now. */
    readonly offered: number
    readonly inflight: number | null
  } | null
  /** The quantity the push computes now; null when nothing may be pushed (`notPushed` says why). */
  readonly quantity: number | null
  readonly notPushed: string | null
  readonly lastPushed: {
    readonly quantity: number | null
    readonly at: string | null
    readonly status: string | null
  } | null
  readonly lastReported: {
    readonly quantity: number
    readonly at: string
    readonly echo: boolean
  } | null
  readonly lastCheck: {
    readonly quantity: number | null
    readonly at: string
    readonly drift: number | null
  } | null
  readonly summary: string
}

export type ExplanationParts = Omit<ListingExplanation, 'summary'>

/**
 * One sentence: "TEE-1 is 7 on walmart/main because: on-hand 12 as of … from the recount, 3
 * reserved by orders …, buffer 2; pushed at …, echoed at …". Names orders by id, never a buyer.
 */
export function explanationSummary(p: ExplanationParts): string {
  const where = `${p.listing.channel}/${p.listing.account}`
  const after = [pushedText(p), reportText(p), checkText(p)].filter((t) => t !== '')
  const tail = after.length > 0 ? `; ${after.join(', ')}` : ''
  if (p.quantity === null) return `${p.sku} is not pushed to ${where}: ${p.notPushed}${tail}.`
  const because = [
    onHandText(p),
    reservedText(p),
    ...(p.safetyStock > 0 ? [`safety stock ${p.safetyStock}`] : []),
    `so ${p.ats} available to sell`,
    ...policyText(p.policy),
    ...allocationText(p),
  ]
  return `${p.sku} is ${p.quantity} on ${where} because: ${because.join(', ')}${tail}.`
}

function onHandText(p: ExplanationParts): string {
  const s = p.onHandSource
  if (!s) return `on-hand ${p.onHand}`
  const from =
    s.kind === 'count'
      ? 'the recount'
      : s.kind === 'report'
        ? `${s.reference ?? 'the channel'}'s report`
        : `adjustment ${s.reference ?? ''}${s.reason ? ` (${s.reason})` : ''}`
  return `on-hand ${p.onHand} at ${spoken(s.at)} from ${from}`
}

function reservedText(p: ExplanationParts): string {
  if (p.reserved === 0) return 'none reserved'
  if (p.reservingOrders.length === 0) return `${p.reserved} reserved`
  const orders = p.reservingOrders.map((o) => `${o.channel}/${o.account} ${o.orderId}`)
  const more = p.reservingOrdersMore ? ' and others' : ''
  const noun = p.reservingOrders.length === 1 && !p.reservingOrdersMore ? 'order' : 'orders'
  return `${p.reserved} reserved by ${noun} ${orders.join(', ')}${more}`
}

function policyText(policy: StockPolicy): string[] {
  return [
    ...(policy.percentage !== undefined ? [`${policy.percentage}% offered`] : []),
    ...(policy.buffer ? [`buffer ${policy.buffer}`] : []),
    ...(policy.zeroBelow ? [`0 below ${policy.zeroBelow}`] : []),
    ...(policy.maxListed !== undefined ? [`at most ${policy.maxListed}`] : []),
  ]
}

function allocationText(p: ExplanationParts): string[] {
  if (!p.allocation || p.allocation.mode === 'shared') return []
  return [`its partitioned share ${p.allocation.share}`]
}

function pushedText(p: ExplanationParts): string {
  const last = p.lastPushed
  if (!last?.at) return p.quantity === null ? '' : 'never pushed yet'
  const pushed = `pushed ${last.quantity} at ${spoken(last.at)}`
  const status = last.status && last.status !== 'applied' ? ` (last attempt ${last.status})` : ''
  const due = p.quantity !== null && last.quantity !== p.quantity ? `, ${p.quantity} not yet` : ''
  return `${pushed}${status}${due}`
}

function reportText(p: ExplanationParts): string {
  const r = p.lastReported
  if (!r) return ''
  return r.echo
    ? `echoed at ${spoken(r.at)}`
    : `the channel reported ${r.quantity} at ${spoken(r.at)}`
}

function checkText(p: ExplanationParts): string {
  const c = p.lastCheck
  if (!c || !c.drift) return ''
  return `reconciliation found ${c.quantity} at ${spoken(c.at)} (drift ${c.drift})`
}
