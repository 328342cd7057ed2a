/**
 * A day of orders on the four channels, compressed into `overMs`, while the channels lose and
 * mangle their webhooks (dispatch.ts: dropped, delayed up to the whole day, duplicated): the hub
 * must end with every order the channels hold, in its final state, the lost ones found by order
 * sync. Buyers cancel some orders later in the day, so a late or lost cancellation is a wrong
 * state, not only a missing order. The summary says per channel what was placed, what the hub
 * holds, what polling recovered, and what the emulator saw of the hub's API calls.
 */
import type { ChannelId } from '../events/index.js'
import { emulatedChannels } from './channels.js'
import type { DispatchCounts } from './dispatch.js'
import type { RunningEmulator } from './emulator.js'
import { seededRandom } from './random.js'
import type { PlacedLine } from './types.js'

export interface MissedWebhooksOptions {
  readonly channels: readonly ChannelId[]
  /** Orders placed on each channel over the day. */
  readonly ordersPerChannel: number
  /** The day, compressed into this many ms. */
  readonly overMs: number
  /** Share of orders the buyer cancels later in the day. */
  readonly cancelShare: number
  readonly seed: number
  /** How long to wait, after the last webhook was sent, for the hub to hold every order. */
  readonly settleTimeoutMs: number
  /** Asks the hub for one more order sync of every account (after the day, to end sooner). */
  readonly syncNow: () => Promise<void>
  /** The orders the hub holds now. */
  readonly hubOrders: () => Promise<readonly HubOrder[]>
  readonly progress?: (line: string) => void
}

export interface HubOrder {
  readonly channel: ChannelId
  readonly externalId: string
  readonly status: string
  /** How it first reached the hub: `webhook`, or order sync (`sync`, `backfill`). */
  readonly foundBy: string
}

export interface MissedWebhooksChannel {
  readonly channel: ChannelId
  readonly placed: number
  readonly cancelled: number
  /** Orders the hub holds in the channel's final state. */
  readonly correct: number
  /** Orders the hub holds in another state (a cancellation it missed), by id. */
  readonly wrong: readonly string[]
  /** Orders the channel holds and the hub does not, by id. */
  readonly missing: readonly string[]
  /** Orders that reached the hub through order sync, not a webhook. */
  readonly recoveredByPolling: number
  readonly webhooks: DispatchCounts
  /** The hub's calls to the channel's API as the emulator counted them, and those answered 429. */
  readonly apiCalls: number
  readonly throttled: number
}

export interface MissedWebhooksSummary {
  readonly ordersPerChannel: number
  readonly overMs: number
  readonly settled: boolean
  readonly settleMs: number
  readonly channels: readonly MissedWebhooksChannel[]
}

const SKUS = ['SIM-TEE', 'SIM-MUG', 'SIM-CAP', 'SIM-BAG', 'SIM-PIN']

type Action =
  | {
      readonly at: number
      readonly kind: 'place'
      readonly channel: ChannelId
      readonly ref: number
    }
  | {
      readonly at: number
      readonly kind: 'cancel'
      readonly channel: ChannelId
      readonly ref: number
    }

export async function runMissedWebhooks(
  emulator: RunningEmulator,
  opts: MissedWebhooksOptions,
): Promise<MissedWebhooksSummary> {
  const random = seededRandom(opts.seed)
  const say = opts.progress ?? (() => undefined)
  // Enough stock that no buyer is refused: this run is about orders, not overselling.
  for (const channel of opts.channels)
    for (const sku of SKUS) emulator.state(channel).stock.set(sku, 1_000_000_000)

  const actions: Action[] = []
  for (const channel of opts.channels) {
    for (let ref = 0; ref < opts.ordersPerChannel; ref++) {
      const at = random() * opts.overMs
      actions.push({ at, kind: 'place', channel, ref })
      if (random() < opts.cancelShare)
        actions.push({ at: at + random() * (opts.overMs - at), kind: 'cancel', channel, ref })
    }
  }
  actions.sort((a, b) => a.at - b.at)

  // What each channel holds: order id by ref, and whether the buyer cancelled it.
  const ids = new Map<ChannelId, Map<number, string>>(opts.channels.map((c) => [c, new Map()]))
  const cancelled = new Map<ChannelId, Set<string>>(opts.channels.map((c) => [c, new Set()]))
  const start = Date.now()
  let done = 0
  let told = 0
  for (const action of actions) {
    const wait = start + action.at - Date.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const state = emulator.state(action.channel)
    const emulated = emulatedChannels[action.channel]
    const now = new Date()
    if (action.kind === 'place') {
      const placed = emulated.placeOrder(state, linesOf(random), now)
      if (!placed.accepted) throw new Error(`${action.channel} refused an order: ${placed.reason}`)
      ids.get(action.channel)!.set(action.ref, placed.orderId)
      emulator.dispatcher.dispatch(state, placed.webhooks)
    } else {
      const id = ids.get(action.channel)!.get(action.ref)!
      emulator.dispatcher.dispatch(state, emulated.cancelOrder(state, id, now))
      cancelled.get(action.channel)!.add(id)
    }
    done += 1
    if (done * 10 >= (told + 1) * actions.length) {
      told = Math.floor((done * 10) / actions.length)
      say(`${told * 10}% of the day: ${done} of ${actions.length} orders and cancellations`)
    }
  }
  say('the day is over; waiting for delayed webhooks and the next order sync')
  await emulator.dispatcher.settled()
  await opts.syncNow()
  const settleStart = Date.now()
  let outcome = compare(await opts.hubOrders(), opts.channels, ids, cancelled)
  let toldAt = Date.now()
  while (!complete(outcome) && Date.now() - settleStart < opts.settleTimeoutMs) {
    await new Promise((r) => setTimeout(r, 1_000))
    outcome = compare(await opts.hubOrders(), opts.channels, ids, cancelled)
    if (Date.now() - toldAt >= 10_000) {
      toldAt = Date.now()
      const behind = [...outcome]
        .filter(([, o]) => o.missing.length + o.wrong.length > 0)
        .map(
          ([c, o]) =>
            `${c} ${o.missing.length} missing, ${o.wrong.length} not yet in their final state`,
        )
      say(
        `still waiting (${Math.round((Date.now() - settleStart) / 1000)} s): ${behind.join('; ')}`,
      )
    }
  }
  const settled = complete(outcome)
  return {
    ordersPerChannel: opts.ordersPerChannel,
    overMs: opts.overMs,
    settled,
    settleMs: Date.now() - settleStart,
    channels: opts.channels.map((channel) => {
      const o = outcome.get(channel)!
      const stats = emulator.state(channel).stats
      return {
        channel,
        placed: ids.get(channel)!.size,
        cancelled: cancelled.get(channel)!.size,
        ...o,
        webhooks: emulator.dispatcher.counts(channel),
        apiCalls: stats.calls,
        throttled: stats.throttled,
      }
    }),
  }
}

type Compared = Pick<MissedWebhooksChannel, 'correct' | 'wrong' | 'missing' | 'recoveredByPolling'>

function complete(outcome: Map<ChannelId, Compared>): boolean {
  return [...outcome.values()].every((o) => o.wrong.length === 0 && o.missing.length === 0)
}

/** The hub's orders against what each channel holds. */
function compare(
  orders: readonly HubOrder[],
  channels: readonly ChannelId[],
  ids: Map<ChannelId, Map<number, string>>,
  cancelled: Map<ChannelId, Set<string>>,
): Map<ChannelId, Compared> {
  const held = new Map(orders.map((r) => [`${r.channel}/${r.externalId}`, r]))
  return new Map(
    channels.map((channel) => {
      const wrong: string[] = []
      const missing: string[] = []
      let correct = 0
      let recoveredByPolling = 0
      for (const id of ids.get(channel)!.values()) {
        const row = held.get(`${channel}/${id}`)
        if (!row) {
          missing.push(id)
          continue
        }
        if (row.foundBy !== 'webhook') recoveredByPolling += 1
        const shouldBeCancelled = cancelled.get(channel)!.has(id)
        if ((row.status === 'cancelled') === shouldBeCancelled) correct += 1
        else wrong.push(id)
      }
      return [channel, { correct, wrong, missing, recoveredByPolling }]
    }),
  )
}

/** One or two lines of one to three units. */
function linesOf(random: () => number): PlacedLine[] {
  const count = random() < 0.7 ? 1 : 2
  const first = Math.floor(random() * SKUS.length)
  return Array.from({ length: count }, (_, i) => ({
    sku: SKUS[(first + i) % SKUS.length]!,
    quantity: 1 + Math.floor(random() * 3),
  }))
}

/** The summary as the command prints it: one block per channel. */
export function formatMissedWebhooks(s: MissedWebhooksSummary, lanes: string): string {
  const lines = [
    `missed webhooks: ${s.ordersPerChannel} orders per channel over ${s.overMs / 1000} s (a day, compressed); ${s.settled ? `every order settled ${Math.round(s.settleMs / 1000)} s after the day` : 'NOT settled'}`,
  ]
  for (const c of s.channels) {
    const w = c.webhooks
    lines.push(
      `${c.channel}: ${c.placed} placed (${c.cancelled} cancelled later); hub holds ${c.correct} in their final state, ${c.wrong.length} wrong, ${c.missing.length} missing; ${c.recoveredByPolling} recovered by polling`,
      `  webhooks: ${w.built} built, ${w.dropped} dropped, ${w.delayed} delayed, ${w.duplicated} duplicated, ${w.sent} delivered; API: ${c.apiCalls} calls, ${c.throttled} answered 429`,
    )
    if (c.missing.length > 0) lines.push(`  missing: ${c.missing.slice(0, 10).join(', ')}`)
    if (c.wrong.length > 0) lines.push(`  wrong state: ${c.wrong.slice(0, 10).join(', ')}`)
  }
  if (lanes) lines.push(lanes)
  return lines.join('\n')
}
