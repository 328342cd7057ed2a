import { request } from 'undici'
import type { ChannelId } from '../events/index.js'
import { emulatedChannels } from './channels.js'
import type { RunningEmulator } from './emulator.js'
import { sendWebhook, sentCopies } from './send.js'
import type { ChannelStats, SignedWebhook } from './types.js'

export interface FlashSaleOptions {
  readonly sku: string
  /** Buyer orders placed across the channels, one unit each, all at once. */
  readonly orders: number
  /** The SKU's on-hand before the sale. */
  readonly onHand: number
  readonly channels: readonly ChannelId[]
  /** Extra copies of every webhook, sent in shuffled order (the channels' at-least-once delivery). */
  readonly duplicates: number
  /**
   * Buyers arrive evenly over this many milliseconds (0: all at once). Orders placed faster than a
   * push can reach the other channels are what overselling is made of.
   */
  readonly overMs: number
  /** The listings' allocation mode; the hub's default when absent. */
  readonly allocation?: 'shared' | 'partitioned' | 'auto'
  /** A 429 storm: this channel answers its next `calls` API calls 429 once the sale starts. */
  readonly storm?: { readonly channel: ChannelId; readonly calls: number }
  /** How long to wait for the hub and every channel to settle. */
  readonly timeoutMs: number
  /** Told what the run is doing: each phase, and buyers placed in tenths of the whole. */
  readonly progress?: (line: string) => void
}

export interface HubEndpoint {
  readonly url: string
  readonly adminToken: string
  readonly accountId: string
}

export interface ChannelOutcome {
  readonly channel: ChannelId
  readonly ordersAccepted: number
  readonly ordersRefused: number
  /** What the channel offers at the end. */
  readonly finalQuantity: number
  /** Stock writes the channel received during the sale. */
  readonly pushes: number
  /** Every API call the channel received during the sale, 429s included. */
  readonly apiCalls: number
  readonly throttled: number
}

export interface FlashSaleSummary {
  readonly sku: string
  readonly allocation: FlashSaleOptions['allocation']
  readonly onHand: number
  readonly settled: boolean
  readonly settleMs: number
  readonly channels: readonly ChannelOutcome[]
  /** The hub's view at the end. */
  readonly hub: { readonly onHand: number; readonly reserved: number; readonly ats: number }
  /**
   * Changes of the SKU's available-to-sell during the sale (`inventory.changed.v1` events): fewer
   * than orders, since the ledger settles each SKU once for all the orders that arrived meanwhile.
   */
  readonly atsChanges: number
  /** Orders the channels accepted, over all of them. */
  readonly ordersAccepted: number
  /** Units sold beyond on-hand, over all channels. */
  readonly oversold: number
  /**
   * Units left unsold while buyers were turned away: the price of never overselling, when the
   * units sat on channels whose buyers were gone.
   */
  readonly unsold: number
  /** Partitioned allocation's moves during the sale: listings lowered, then raised. */
  readonly moves: { readonly lowered: number; readonly raised: number }
}

interface ListingView {
  channel: ChannelId
  allocation: {
    mode: 'shared' | 'partitioned'
    target: number
    offered: number
    inflight: number | null
    next: number | null
  } | null
}

interface InventoryView {
  onHand: number
  reserved: number
  ats: number
  listings: ListingView[]
}

/**
 * A flash sale against the emulator: lists the SKU on every channel, sets its on-hand, waits for
 * every channel to show what the hub allocated it, then has buyers place `orders` single-unit orders at once, spread over
 * the channels; each marketplace refuses an order it has no stock for, as a real one would. Their
 * webhooks (with duplicates, shuffled) go to the hub. Ends when every channel offers what the hub
 * says is available and the hub has reserved every accepted unit, or at the timeout.
 */
export async function runFlashSale(
  hub: HubEndpoint,
  emulator: RunningEmulator,
  opts: FlashSaleOptions,
): Promise<FlashSaleSummary> {
  const admin = adminClient(hub)
  const progress = opts.progress ?? (() => undefined)
  progress(`listing ${opts.sku} on ${opts.channels.join(', ')} with on-hand ${opts.onHand}`)
  await admin('PUT', '/v1/listings', {
    listings: opts.channels.map((channel) => ({
      sku: opts.sku,
      channel,
      account: hub.accountId,
      unit: emulatedChannels[channel].listingUnit(opts.sku),
      ...(opts.allocation ? { policy: { allocation: opts.allocation } } : {}),
    })),
  })
  await admin('PUT', `/v1/inventory/${encodeURIComponent(opts.sku)}`, {
    onHand: opts.onHand,
    asOf: new Date().toISOString(),
  })
  const inventory = () =>
    admin<InventoryView>('GET', `/v1/inventory/${encodeURIComponent(opts.sku)}`)
  // Ready when every channel offers what the hub allocated it: all of on-hand when shared, its
  // share when partitioned.
  const ready = await waitFor(opts.timeoutMs, async () => {
    const view = await inventory()
    return (
      view.ats === opts.onHand &&
      view.listings.length === opts.channels.length &&
      view.listings.every((l) => agrees(l, emulator.state(l.channel).stock.get(opts.sku)))
    )
  })
  if (!ready)
    throw new Error(`the channels did not show their share of on-hand ${opts.onHand} in time`)
  const before = new Map(opts.channels.map((c) => [c, { ...emulator.state(c).stats }]))
  const changesBefore = await countAtsChanges(admin, opts.sku)
  const movesBefore = await countMoves(hub)

  if (opts.storm) emulator.state(opts.storm.channel).throttleNext = opts.storm.calls
  const started = Date.now()
  const sent: Promise<void>[] = []
  // Buyer i arrives at i × overMs / orders; each order's webhooks (duplicated, shuffled) are sent
  // at once while the next buyers keep arriving.
  for (let i = 0; i < opts.orders; i++) {
    const due = started + (i * opts.overMs) / opts.orders
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
    const channel = opts.channels[i % opts.channels.length]!
    const placed = emulatedChannels[channel].placeOrder(
      emulator.state(channel),
      [{ sku: opts.sku, quantity: 1 }],
      new Date(),
    )
    if (!placed.accepted) continue
    const faults = emulator.state(channel).webhookFaults
    const copies = placed.webhooks
      .flatMap((w) => sentCopies(faults, w))
      .flatMap((w) => Array<SignedWebhook>(1 + opts.duplicates).fill(w))
    sent.push(...shuffle(copies).map((w) => sendUntilStored(hub.url, w)))
    const tenth = Math.floor(((i + 1) * 10) / opts.orders)
    if (tenth > Math.floor((i * 10) / opts.orders))
      progress(`buyers: ${i + 1}/${opts.orders} (${tenth * 10}%)`)
  }
  await Promise.all(sent)
  progress('all webhooks stored; waiting for the hub and the channels to settle')

  const accepted = () =>
    opts.channels.reduce(
      (n, c) => n + delta(before.get(c)!, emulator.state(c).stats).ordersAccepted,
      0,
    )
  let view = await inventory()
  const settled = await waitFor(opts.timeoutMs, async () => {
    view = await inventory()
    return (
      view.reserved === accepted() &&
      view.listings.every((l) => agrees(l, emulator.state(l.channel).stock.get(opts.sku)))
    )
  })
  const settleMs = Date.now() - started
  const channels = opts.channels.map((channel) => {
    const stats = delta(before.get(channel)!, emulator.state(channel).stats)
    return {
      channel,
      ordersAccepted: stats.ordersAccepted,
      ordersRefused: stats.ordersRefused,
      finalQuantity: emulator.state(channel).stock.get(opts.sku) ?? 0,
      pushes: stats.stockWrites,
      apiCalls: stats.calls,
      throttled: stats.throttled,
    }
  })
  return {
    sku: opts.sku,
    allocation: opts.allocation,
    onHand: opts.onHand,
    settled,
    settleMs,
    channels,
    hub: { onHand: view.onHand, reserved: view.reserved, ats: view.ats },
    atsChanges: (await countAtsChanges(admin, opts.sku)) - changesBefore,
    ordersAccepted: accepted(),
    oversold: Math.max(0, accepted() - opts.onHand),
    unsold: Math.min(
      Math.max(0, opts.onHand - accepted()),
      channels.reduce((n, c) => n + c.ordersRefused, 0),
    ),
    moves: subtractMoves(await countMoves(hub), movesBefore),
  }
}

/**
 * A channel agrees with the hub when no write is in flight and (shared) it offers its whole
 * quantity, or (partitioned) nothing is left to send and it offers no more than the hub believes:
 * the hub counts a unit as still offered when a write may have overwritten a sale, until
 * reconciliation reads the channel.
 */
function agrees(l: ListingView, onChannel: number | undefined): boolean {
  const a = l.allocation
  if (!a || a.inflight !== null || onChannel === undefined) return false
  // Partitioned: nothing left to send either (a lowering still due leaves `next` set).
  return a.mode === 'partitioned'
    ? onChannel <= a.offered && a.next === null
    : onChannel === a.offered && a.offered === a.target
}

/** The hub's count of allocation moves (`hub_stock_calls_total`, outcomes lowered and raised). */
async function countMoves(hub: HubEndpoint): Promise<{ lowered: number; raised: number }> {
  const res = await request(new URL('/metrics', hub.url))
  const text = await res.body.text()
  const sum = (outcome: string) =>
    text
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('hub_stock_calls_total{') && line.includes(`outcome="${outcome}"`),
      )
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
  return { lowered: sum('lowered'), raised: sum('raised') }
}

function subtractMoves(
  a: { lowered: number; raised: number },
  b: { lowered: number; raised: number },
): { lowered: number; raised: number } {
  return { lowered: a.lowered - b.lowered, raised: a.raised - b.raised }
}

/** The summary as a person reads it at a terminal. */
export function formatFlashSale(s: FlashSaleSummary): string {
  const pushes = s.channels.reduce((n, c) => n + c.pushes, 0)
  const rows = s.channels.map(
    (c) =>
      `  ${c.channel.padEnd(12)} accepted ${String(c.ordersAccepted).padStart(5)}  refused ${String(c.ordersRefused).padStart(5)}  final quantity ${String(c.finalQuantity).padStart(5)}  pushes ${String(c.pushes).padStart(5)}  API calls ${String(c.apiCalls).padStart(5)}  429s ${c.throttled}`,
  )
  return [
    `flash sale of ${s.sku}: on-hand ${s.onHand}${s.allocation ? `, allocation ${s.allocation}` : ''}`,
    ...rows,
    `  hub: on-hand ${s.hub.onHand}, reserved ${s.hub.reserved}, available ${s.hub.ats}`,
    `  ${s.settled ? 'settled' : 'NOT settled'} after ${s.settleMs} ms; ${s.ordersAccepted} orders, ${s.atsChanges} changes of available-to-sell, ${pushes} pushes (${s.ordersAccepted > 0 ? (pushes / s.ordersAccepted).toFixed(2) : '–'} per order, over ${s.channels.length} listings)`,
    `  allocation moves: ${s.moves.lowered} lowered, ${s.moves.raised} raised; units left unsold while buyers were refused: ${s.unsold}`,
    `  oversold units: ${s.oversold}`,
  ].join('\n')
}

function delta(a: ChannelStats, b: ChannelStats): ChannelStats {
  return {
    calls: b.calls - a.calls,
    stockWrites: b.stockWrites - a.stockWrites,
    throttled: b.throttled - a.throttled,
    rejected: b.rejected - a.rejected,
    ordersAccepted: b.ordersAccepted - a.ordersAccepted,
    ordersRefused: b.ordersRefused - a.ordersRefused,
    authFailures: b.authFailures - a.authFailures,
    authLockouts: b.authLockouts - a.authLockouts,
  }
}

type Admin = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>

function adminClient(hub: HubEndpoint): Admin {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(new URL(path, hub.url), {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${hub.adminToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
    const text = await res.body.text()
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`)
    return JSON.parse(text) as T
  }
}

async function countAtsChanges(admin: Admin, sku: string): Promise<number> {
  let after = '0'
  let count = 0
  for (;;) {
    const page = await admin<{ events: { subject: string }[]; next: string }>(
      'GET',
      `/v1/events?types=inventory.changed.v1&limit=1000&after=${after}`,
    )
    count += page.events.filter((e) => e.subject === `sku/${sku}`).length
    if (page.events.length < 1000) return count
    after = page.next
  }
}

/** A marketplace retries until it gets a 2xx; so does the simulation (a 503 under load is the hub asking for exactly that). */
async function sendUntilStored(hubUrl: string, webhook: SignedWebhook): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const status = await sendWebhook(hubUrl, webhook)
    if (status >= 200 && status < 300) return
    if (status < 500 || attempt >= 20)
      throw new Error(`the hub answered ${status} to ${webhook.path}`)
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)))
  }
}

async function waitFor(
  timeoutMs: number,
  done: () => boolean | Promise<boolean>,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await done()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return done()
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}
