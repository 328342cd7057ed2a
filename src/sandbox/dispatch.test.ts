// De-risks the emulator's webhook faults, on which the missed-webhooks simulation's verdict rests:
// at given rates webhooks are dropped, delayed, duplicated and reordered in about the proportions
// asked, one seed giving one run; nothing but the dropped is lost once the dispatcher settles; a
// copy carries the same bytes and headers; failed sends are retried and counted.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useReceiver, type ReceivedRequest } from '../../test/helpers/receiver.js'
import { CHANNEL_IDS, type ChannelId } from '../events/index.js'
import { emulatedChannels } from './channels.js'
import { WebhookDispatcher, type Timers } from './dispatch.js'
import { newChannelState, startEmulator } from './emulator.js'
import type { ChannelState, SignedWebhook } from './types.js'
import { webhookFaultRates, type WebhookFaultSettings } from './webhook-faults.js'

const hub = useReceiver()
beforeEach(() => hub.reset())

/** Where the dispatcher posts: the receiver's origin (webhook paths are absolute). */
const hubUrl = () => new URL(hub.url).origin

/** `count` webhooks numbered in the order they are built. */
function numbered(count: number, channel: ChannelId = 'shopify'): SignedWebhook[] {
  return Array.from({ length: count }, (_, n) => ({
    path: `/webhooks/${channel}/demo`,
    headers: { 'x-n': String(n) },
    body: JSON.stringify({ n }),
  }))
}

const numberOf = (r: ReceivedRequest) => (JSON.parse(r.body) as { n: number }).n
const ascending = (numbers: number[]) => [...numbers].sort((a, b) => a - b)

function stateWith(settings?: WebhookFaultSettings, channel: ChannelId = 'shopify'): ChannelState {
  const state = newChannelState(channel, 'demo')
  if (settings) state.webhookFaults.rates = webhookFaultRates(settings)
  return state
}

/** Timers that fire only when the test says, in the order of their delays. */
function manualTimers() {
  const pending: { ms: number; run: () => void }[] = []
  const timers: Timers = {
    set(run, ms) {
      const timer = { ms, run }
      pending.push(timer)
      return timer
    },
    clear(handle) {
      const index = pending.indexOf(handle as (typeof pending)[number])
      if (index >= 0) pending.splice(index, 1)
    },
  }
  const runAll = () => {
    while (pending.length > 0)
      pending
        .sort((a, b) => a.ms - b.ms)
        .shift()!
        .run()
  }
  return { timers, pending, runAll }
}

// A thousand posts take half a second alone and several on a loaded machine.
describe('webhook faults at rates', { timeout: 30_000 }, () => {
  const SETTINGS = {
    drop: 0.3,
    delay: 0.1,
    duplicate: 0.1,
    reorder: 0.05,
    maxDelayMs: 40,
    windowMs: 20,
    seed: 16,
  } satisfies WebhookFaultSettings

  /** 1,000 webhooks through a fresh dispatcher, 100 at a time (not 1,000 sockets at once). */
  async function run(settings: WebhookFaultSettings | undefined) {
    hub.reset()
    const dispatcher = new WebhookDispatcher()
    const state = stateWith(settings)
    const webhooks = numbered(1_000)
    for (let i = 0; i < webhooks.length; i += 100) {
      dispatcher.dispatch(state, webhooks.slice(i, i + 100), hubUrl())
      await dispatcher.settled()
    }
    return { counts: dispatcher.counts('shopify'), received: hub.received.map(numberOf) }
  }

  /**
   * Within 45 of rate × 1,000: three standard deviations of the widest case (0.3, ±14.5). The
   * seed fixes the counts, so this cannot flake; it fails if a rate stops meaning a fraction.
   */
  const near = (count: number, rate: number) =>
    expect(Math.abs(count - rate * 1_000)).toBeLessThanOrEqual(45)

  it('drops, delays, duplicates and reorders about the fractions asked; what is not dropped all arrives', async () => {
    const { counts, received } = await run(SETTINGS)
    near(counts.dropped, SETTINGS.drop)
    near(counts.delayed, SETTINGS.delay)
    near(counts.duplicated, SETTINGS.duplicate)
    near(counts.reordered, SETTINGS.reorder)
    expect(counts).toMatchObject({ built: 1_000, failedSends: 0, abandoned: 0, cancelled: 0 })
    // Every webhook not dropped arrived, the duplicated ones exactly twice, nothing else.
    const arrivals = new Map<number, number>()
    for (const n of received) arrivals.set(n, (arrivals.get(n) ?? 0) + 1)
    expect(arrivals.size).toBe(1_000 - counts.dropped)
    expect([...arrivals.values()].filter((times) => times === 2)).toHaveLength(counts.duplicated)
    expect([...arrivals.values()].every((times) => times === 1 || times === 2)).toBe(true)
    expect(received).toHaveLength(1_000 - counts.dropped + counts.duplicated)
    expect(counts.sent).toBe(received.length)
  })

  it('gives the same run for the same seed, and another for another rate', async () => {
    const first = await run(SETTINGS)
    const again = await run(SETTINGS)
    expect(again.counts).toEqual(first.counts)
    // The same webhooks dropped and duplicated, whatever order the sockets delivered them in.
    expect(ascending(again.received)).toEqual(ascending(first.received))

    const fewer = await run({ ...SETTINGS, drop: 0.1 })
    near(fewer.counts.dropped, 0.1)
    expect(fewer.counts.dropped).toBeLessThan(first.counts.dropped)
  })

  it('at rate 0 changes nothing: every webhook once', async () => {
    const zero = await run({ drop: 0, delay: 0, duplicate: 0, reorder: 0, seed: 16 })
    const none = await run(undefined)
    expect(zero.counts).toEqual(none.counts)
    expect(zero.counts).toMatchObject({ built: 1_000, sent: 1_000, dropped: 0, delayed: 0 })
    expect(ascending(zero.received)).toEqual(numbered(1_000).map((_, n) => n))
  })

  it('delays up to the maximum, a day included; the delayed arrive after webhooks built later, none lost', async () => {
    const DAY_MS = 86_400_000
    const { timers, pending, runAll } = manualTimers()
    const dispatcher = new WebhookDispatcher({ timers })
    dispatcher.dispatch(
      stateWith({ delay: 0.3, maxDelayMs: DAY_MS, seed: 7 }),
      numbered(100),
      hubUrl(),
    )
    const { delayed } = dispatcher.counts('shopify')
    expect(delayed).toBeGreaterThan(0)
    await vi.waitFor(() => expect(hub.received).toHaveLength(100 - delayed))
    // Nothing late has gone: its timers have not fired.
    expect(pending).toHaveLength(delayed)
    expect(pending.every((t) => t.ms >= 1 && t.ms <= DAY_MS)).toBe(true)
    expect(Math.max(...pending.map((t) => t.ms))).toBeGreaterThan(DAY_MS / 2)
    const early = hub.received.map(numberOf)

    runAll()
    await dispatcher.settled()
    const all = hub.received.map(numberOf)
    expect(ascending(all)).toEqual(numbered(100).map((_, n) => n))
    const late = all.slice(early.length)
    expect(late).toHaveLength(delayed)
    // Reordered: delayed webhooks reached the hub after ones built after them.
    expect(late.filter((n) => n < Math.max(...early)).length).toBeGreaterThan(0)
    expect(dispatcher.counts('shopify')).toMatchObject({ sent: 100, cancelled: 0 })
  })

  it('a reordered webhook goes right after the next one sent, or alone at the end of its window', async () => {
    const dispatcher = new WebhookDispatcher()
    const state = stateWith({ reorder: 1, seed: 1 })
    const [first, second] = numbered(2)
    dispatcher.dispatch(state, [first!], hubUrl())
    state.webhookFaults.rates = undefined
    dispatcher.dispatch(state, [second!], hubUrl())
    await dispatcher.settled()
    expect(hub.received.map(numberOf)).toEqual([1, 0])
    expect(dispatcher.counts('shopify')).toMatchObject({ built: 2, reordered: 1, sent: 2 })

    hub.reset()
    const { timers, pending, runAll } = manualTimers()
    const alone = new WebhookDispatcher({ timers })
    alone.dispatch(stateWith({ reorder: 1, windowMs: 500, seed: 1 }), [first!], hubUrl())
    expect(pending.map((t) => t.ms)).toEqual([500])
    runAll()
    await alone.settled()
    expect(hub.received.map(numberOf)).toEqual([0])
  })

  it('a duplicate reaches the hub twice with the same bytes and headers, the copy within its window', async () => {
    const { timers, pending, runAll } = manualTimers()
    const dispatcher = new WebhookDispatcher({ timers })
    const built: SignedWebhook[] = []
    for (const channel of CHANNEL_IDS) {
      // No hub URL on the state: Shopify's inventory echo stays off.
      const state = stateWith({ duplicate: 1, windowMs: 1_000, seed: 3 }, channel)
      state.stock.set('DUP-1', 5)
      const placed = emulatedChannels[channel].placeOrder(
        state,
        [{ sku: 'DUP-1', quantity: 1 }],
        new Date(),
      )
      if (!placed.accepted) throw new Error(`${channel} refused the order: ${placed.reason}`)
      dispatcher.dispatch(state, placed.webhooks, hubUrl())
      built.push(...placed.webhooks)
    }
    await vi.waitFor(() => expect(hub.received).toHaveLength(built.length))
    expect(pending).toHaveLength(built.length)
    expect(pending.every((t) => t.ms >= 1 && t.ms <= 1_000)).toBe(true)
    runAll()
    await dispatcher.settled()

    expect(hub.received).toHaveLength(2 * built.length)
    for (const webhook of built) {
      const copies = hub.received.filter((r) => r.body === webhook.body)
      expect(copies).toHaveLength(2)
      expect(copies[1]!.path).toBe(copies[0]!.path)
      expect(copies[1]!.headers).toEqual(copies[0]!.headers)
      for (const [name, value] of Object.entries(webhook.headers))
        expect(copies[0]!.headers[name.toLowerCase()]).toBe(value)
    }
  })
})

describe('counted webhook faults through the dispatcher', () => {
  it('drop the next ones, then repeat the next ones, before any rate applies', async () => {
    const dispatcher = new WebhookDispatcher()
    // The rate would repeat every webhook; the counted drop comes first.
    const state = stateWith({ duplicate: 1, windowMs: 5, seed: 5 })
    Object.assign(state.webhookFaults, { drop: 1, duplicate: 1 })
    dispatcher.dispatch(state, numbered(3), hubUrl())
    await dispatcher.settled()
    expect(ascending(hub.received.map(numberOf))).toEqual([1, 1, 2, 2])
    expect(state.webhookFaults).toMatchObject({ drop: 0, duplicate: 0 })
    expect(dispatcher.counts('shopify')).toMatchObject({ dropped: 1, duplicated: 2, sent: 4 })
  })
})

describe('failed sends', () => {
  it('are retried until the hub takes them, each failure counted', async () => {
    hub.respond((_, index) => ({ status: index < 2 ? 503 : 200 }))
    const dispatcher = new WebhookDispatcher({ retryBaseMs: 1 })
    dispatcher.dispatch(stateWith(), numbered(1), hubUrl())
    await dispatcher.settled()
    expect(hub.received.map(numberOf)).toEqual([0, 0, 0])
    expect(dispatcher.counts('shopify')).toMatchObject({ sent: 1, failedSends: 2, abandoned: 0 })
  })

  it('are given up after the last retry when the hub stays down', async () => {
    const dispatcher = new WebhookDispatcher({ retries: 2, retryBaseMs: 1 })
    dispatcher.dispatch(stateWith(), numbered(1), 'http://127.0.0.1:9') // nothing listens there
    await dispatcher.settled()
    expect(dispatcher.counts('shopify')).toMatchObject({ sent: 0, failedSends: 3, abandoned: 1 })
  })

  it('a 401 is final for TikTok Shop, retried for the others', async () => {
    hub.respond(() => ({ status: 401 }))
    const dispatcher = new WebhookDispatcher({ retries: 2, retryBaseMs: 1 })
    dispatcher.dispatch(stateWith(undefined, 'tiktok-shop'), numbered(1, 'tiktok-shop'), hubUrl())
    dispatcher.dispatch(stateWith(undefined, 'walmart'), numbered(1, 'walmart'), hubUrl())
    await dispatcher.settled()
    expect(dispatcher.counts('tiktok-shop')).toMatchObject({ failedSends: 1, abandoned: 1 })
    expect(dispatcher.counts('walmart')).toMatchObject({ failedSends: 3, abandoned: 1 })
    expect(hub.received).toHaveLength(4)
  })
})

describe('stopping the dispatcher', () => {
  it('cancels what still waits and settles', async () => {
    const { timers, pending } = manualTimers()
    const dispatcher = new WebhookDispatcher({ timers })
    const state = stateWith({ delay: 1, maxDelayMs: 1_000, seed: 2 })
    dispatcher.dispatch(state, numbered(10), hubUrl())
    dispatcher.stop()
    await dispatcher.settled()
    expect(pending).toHaveLength(0)
    dispatcher.dispatch(state, numbered(2), hubUrl())
    await dispatcher.settled()
    expect(dispatcher.counts('shopify')).toMatchObject({ built: 12, delayed: 10, cancelled: 12 })
    expect(hub.received).toHaveLength(0)
  })
})

describe('bad settings', () => {
  it('are refused with an error naming what is wrong', () => {
    const rates = (settings: Partial<WebhookFaultSettings>) => () =>
      webhookFaultRates({ seed: 1, ...settings })
    expect(rates({ drop: 1.5 })).toThrow(/rate drop must be a fraction from 0 to 1, not 1.5/)
    expect(rates({ delay: -0.1 })).toThrow(/rate delay must be a fraction/)
    expect(rates({ drop: 0.6, delay: 0.3, duplicate: 0.2 })).toThrow(/add up to 1.1.*at most 1/)
    expect(rates({ maxDelayMs: 1.5 })).toThrow(/maxDelayMs must be a whole number of ms/)
    expect(rates({ windowMs: 2 ** 31 })).toThrow(/windowMs must be a whole number of ms/)
    expect(rates({ seed: -1 })).toThrow(/webhook fault seed must be an integer/)
    expect(rates({ drop: 0.7, delay: 0.2, duplicate: 0.1 })).not.toThrow()
    expect(() => new WebhookDispatcher({ retries: -1 })).toThrow(/retries must be a whole number/)
    expect(() => new WebhookDispatcher().dispatch(stateWith(), numbered(1))).toThrow(
      /no hub URL to send shopify's webhooks to/,
    )
    expect(() => startEmulator({ port: 0, webhookFaults: { drop: 2, seed: 1 } })).toThrow(
      /rate drop must be a fraction/,
    )
  })
})

describe('the emulator', () => {
  it('applies the rates of its options to every channel, each from its own stream, changeable per channel', async () => {
    const options = { port: 0, webhookFaults: { drop: 0.5, seed: 9 } }
    const droppedBy = async (channels: readonly ChannelId[]) => {
      hub.reset()
      const emulator = await startEmulator(options)
      try {
        emulator.state('walmart').webhookFaults.rates = undefined
        for (const channel of channels)
          emulator.dispatcher.dispatch(emulator.state(channel), numbered(40, channel), hubUrl())
        await emulator.dispatcher.settled()
        return Object.fromEntries(
          channels.map((channel) => {
            const arrived = new Set(
              hub.received.filter((r) => r.path.includes(`/${channel}/`)).map(numberOf),
            )
            return [channel, numbered(40).flatMap((_, n) => (arrived.has(n) ? [] : [n]))]
          }),
        )
      } finally {
        await emulator.close()
      }
    }
    const first = await droppedBy(CHANNEL_IDS)
    expect(first.walmart).toEqual([])
    expect(first.shopify!.length).toBeGreaterThan(0)
    expect(first.amazon).not.toEqual(first.shopify)
    expect(first['tiktok-shop']).not.toEqual(first.shopify)
    expect(await droppedBy(CHANNEL_IDS)).toEqual(first)
  })

  it("routes Shopify's inventory echo through the channel's faults", async () => {
    const emulator = await startEmulator({ port: 0, hubUrl: hubUrl() })
    try {
      const state = emulator.state('shopify')
      state.webhookFaults.rates = webhookFaultRates({ duplicate: 1, windowMs: 5, seed: 4 })
      state.stock.set('ECHO-9', 3)
      // The order's own webhook is returned, not sent; the echo is the channel's.
      emulatedChannels.shopify.placeOrder(state, [{ sku: 'ECHO-9', quantity: 1 }], new Date())
      await emulator.dispatcher.settled()
      expect(hub.received.map((r) => r.headers['x-shopify-topic'])).toEqual([
        'inventory_levels/update',
        'inventory_levels/update',
      ])
      expect(hub.received[1]!.body).toBe(hub.received[0]!.body)
      expect(emulator.dispatcher.counts('shopify')).toMatchObject({
        built: 1,
        duplicated: 1,
        sent: 2,
      })
    } finally {
      await emulator.close()
    }
  })
})
