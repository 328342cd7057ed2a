// The suite every emulated channel runs (not a test file itself: each src/sandbox/<ch>/<ch>.test.ts
// calls it), in the manner of connectors/conformance.ts: the EmulatedChannel contract (types.ts),
// driven by the hub's own client, connector and normalizer, as the sandbox drives it. Listing units
// parse and stay put; stock writes and reads go through the real client; orders take stock, all
// lines or none, and their webhooks verify and normalize (hydrated through the emulator where they
// are thin) to the lines placed; cancellations give it back, once; stock reports are keyed like the
// listing; injected 429s reach the client as `rate-limited`; the order list, read through the
// connector's `orders`, gives each order changed in a window once, oldest change first, dated by
// that change and normalizing (topic hub.order-sync) to the snapshot its latest webhook gives.
// Exceptions are explicit skips with a written reason.
import { describe, expect, it } from 'vitest'
import type { ChannelApiError } from '../../connectors/shared/api-error.js'
import {
  ORDER_SYNC_TOPIC,
  type ChannelClient,
  type Connector,
  type ListedOrder,
  type OrderWindow,
  type StockSupport,
} from '../../connectors/types.js'
import { normalizers } from '../../normalizers/index.js'
import { failure } from '../../test/helpers/channel-client.js'
import {
  inbound,
  receive,
  type EmulatedChannelUnderTest,
} from '../../test/helpers/emulated-channel.js'
import { OrderSnapshot } from '../events/index.js'
import type { EmulatedChannel, PlacedLine, SignedWebhook } from './types.js'

/** The tests of the suite, by name; a channel may skip some, with a reason. */
type EmulatorConformanceTest =
  | 'lists a SKU under the same ids every time, in the shape the stock unit schema takes'
  | 'a stock write through the real client reads back'
  | 'reads a SKU the seller does not list as null'
  | 'keeps a SKU with reserved characters intact'
  | 'a placed order takes stock and its webhooks normalize to the lines placed'
  | 'gives every order its own id'
  | 'refuses an order beyond the stock, taking nothing'
  | 'a cancellation returns the stock, once, and normalizes as cancelled'
  | 'signs its webhooks over the exact body: a changed byte is a bad signature'
  | 'hydrating an order the seller does not have fails as transient'
  | 'reportStock is keyed like the listing'
  | 'reports nothing for a SKU the seller does not list'
  | 'injected 429s (`state.throttleNext`) are read by the client as rate-limited'
  | 'lists each order changed in a window once, as its latest webhook normalizes it'
  | 'leaves out the orders changed outside the window'

/**
 * The tests of the order list. A channel whose connector has no `orders` yet skips them: order
 * listing (issue 16) lands one channel at a time; once every channel lists, make it required.
 */
const LISTING_TESTS = [
  'lists each order changed in a window once, as its latest webhook normalizes it',
  'leaves out the orders changed outside the window',
] as const satisfies readonly EmulatorConformanceTest[]

export interface EmulatorConformanceOptions<C, Unit, Client extends ChannelClient> {
  /** The emulated channel under test. */
  readonly emulated: EmulatedChannel
  /** The test file's emulator (`useEmulatedChannel(emulated)`): a fresh seller per test. */
  readonly emulator: EmulatedChannelUnderTest
  /**
   * The channel's connector: its sandbox credentials, the ingress that verifies webhooks, and the
   * order listing, where it has one.
   */
  readonly connector: Pick<
    Connector<C, Client>,
    'id' | 'credentials' | 'sandboxCredentials' | 'ingress' | 'orders'
  >
  /** The client the hub builds for the sandbox account, against this test's emulator. */
  readonly client: () => Client
  readonly stock: StockSupport<C, Unit, Client>
  /** What a stock write answers: `queued` where the channel applies writes later (Amazon). */
  readonly writeStatus: 'applied' | 'queued'
  /** Whether order webhooks are thin, so the normalizer fetches the order through the client. */
  readonly thinOrderWebhooks: boolean
  /** The channel's order ids. */
  readonly orderId: RegExp
  /** How the channel's snapshot writes a time (`placedAt`, `updatedAt`): compared exactly. */
  readonly timeAs: (at: Date) => string
  /** True where the channel's order lines are single units (TikTok): N units of a SKU are N lines. */
  readonly linePerUnit?: boolean
  /**
   * An order id of the channel's shape that the seller does not have, and what the client's
   * `transient` failure to hydrate it carries.
   */
  readonly unknownOrder?: {
    readonly id: string
    readonly details?: Partial<ChannelApiError['details']>
    readonly says: string
  }
  /**
   * The wait the client reads from an injected 429: the channel's `Retry-After`, or, where it
   * sends none, what the client assumes.
   */
  readonly injectedRetryAfterMs: number
  readonly skip?: ReadonlyArray<{
    readonly reason: string
    readonly tests: readonly EmulatorConformanceTest[]
  }>
}

const AT = new Date('2026-11-22T12:00:00Z')
const LATER = new Date(AT.getTime() + 60_000)

export function describeEmulatorConformance<C, Unit, Client extends ChannelClient>(
  opts: EmulatorConformanceOptions<C, Unit, Client>,
): void {
  const { emulated, emulator, connector, stock } = opts
  const skipped = new Set<EmulatorConformanceTest>([
    ...(opts.skip?.flatMap((s) => s.tests) ?? []),
    ...(connector.orders ? [] : LISTING_TESTS),
  ])
  const test = (name: EmulatorConformanceTest, fn: () => void | Promise<void>) =>
    (skipped.has(name) ? it.skip : it)(name, fn)

  const credentials = () => connector.credentials.parse(connector.sandboxCredentials(emulator.url))
  const unitOf = (sku: string) => stock.unit.parse(emulated.listingUnit(sku))
  let pushes = 0
  // A key per push: channels with idempotency keys (Shopify) answer a reused key as a replay.
  const push = (quantity: number) => ({
    quantity,
    expected: null,
    idempotencyKey: `conformance-${++pushes}`,
  })
  const observe = (webhook: SignedWebhook, now: Date) =>
    receive(webhook, { connector, credentials: credentials(), client: opts.client, now })
  const orderOf = async (webhook: SignedWebhook, now: Date) => {
    const { observations, hydrated } = await observe(webhook, now)
    expect(hydrated).toBe(opts.thinOrderWebhooks)
    expect(observations).toHaveLength(1)
    const [observation] = observations
    if (observation?.kind !== 'order') throw new Error(`not an order: ${observation?.kind}`)
    return OrderSnapshot.parse(observation.snapshot)
  }
  /** An order's lines as [sku, quantity], in the form the channel reports placed lines in. */
  const linesAsReported = (lines: readonly PlacedLine[]) =>
    lines.flatMap(({ sku, quantity }) =>
      opts.linePerUnit ? Array.from({ length: quantity }, () => [sku, 1]) : [[sku, quantity]],
    )
  const webhookPath = () => `/webhooks/${emulated.channel}/${emulator.state.accountId}`

  /** Every page of the order list for `window`, through the connector, as order sync reads it. */
  const listAll = async (window: OrderWindow) => {
    const listing = connector.orders
    if (!listing) throw new Error('the connector lists no orders: these tests are skipped')
    const orders: ListedOrder[] = []
    let next: string | undefined
    do {
      const page = await listing.list(opts.client(), window, next)
      orders.push(...page.orders)
      next = page.next
    } while (next !== undefined)
    return orders
  }
  /** What the channel's normalizer makes of a listed order, hydrated where it asks, as the pipeline does. */
  const listedSnapshot = async (order: ListedOrder) => {
    const normalizer = normalizers[connector.id]
    if (!normalizer) throw new Error(`${connector.id} has no normalizer`)
    const input = {
      channel: connector.id,
      accountId: emulator.state.accountId,
      topic: ORDER_SYNC_TOPIC,
      dedupeKey: `order-sync:${order.id}:${order.updatedAt}`,
      receivedAt: new Date(),
      body: order.record,
    }
    let result = normalizer.normalize(input)
    if (result.kind === 'hydrate')
      result = normalizer.normalize({
        ...input,
        hydrated: await opts.client().hydrate(result.needs),
      })
    if (result.kind !== 'observations')
      throw new Error(`not observations: ${JSON.stringify(result)}`)
    expect(result.observations).toHaveLength(1)
    const [observation] = result.observations
    if (observation?.kind !== 'order') throw new Error(`not an order: ${observation?.kind}`)
    return OrderSnapshot.parse(observation.snapshot)
  }
  /**
   * Minute `n` of an hour ago, on a whole second (some channels date orders to the second). By the
   * real clock: the list hides orders older than the channel's retention from the clients' now.
   */
  const hourAgo = Math.floor(Date.now() / 1000) * 1000 - 3_600_000
  const minute = (n: number) => new Date(hourAgo + n * 60_000)

  describe(`${emulated.channel} emulator conformance`, () => {
    test('lists a SKU under the same ids every time, in the shape the stock unit schema takes', () => {
      const listed = emulated.listingUnit('TEE-BLK-M')
      const unit = unitOf('TEE-BLK-M')
      expect(unit).toEqual(listed)
      expect(emulated.listingUnit('TEE-BLK-M')).toEqual(listed)
      expect(stock.unitKey(unitOf('TEE-BLK-M'))).toBe(stock.unitKey(unit))
      expect(stock.unitKey(unitOf('TEE-BLK-L'))).not.toBe(stock.unitKey(unit))
      // Order lines are matched to listings by the channel SKU, where the channel has one.
      expect([undefined, 'TEE-BLK-M']).toContain(stock.channelSku(unit))
    })

    test('a stock write through the real client reads back', async () => {
      const { state } = emulator
      const api = opts.client()
      const unit = unitOf('MUG-WHT')
      expect(await stock.write(api, unit, push(17))).toEqual({
        status: opts.writeStatus,
        quantity: 17,
      })
      // In the stock table at once, even where the channel answers `queued`.
      expect(state.stock.get('MUG-WHT')).toBe(17)
      expect(state.stats.stockWrites).toBe(1)
      expect(await stock.read(api, unit)).toBe(17)
      state.stock.set('MUG-WHT', 4) // a sale elsewhere: a read asks the marketplace
      expect(await stock.read(api, unit)).toBe(4)
      await stock.write(api, unit, push(0))
      expect(state.stock.get('MUG-WHT')).toBe(0)
      expect(await stock.read(api, unit)).toBe(0)
      expect(state.stats.stockWrites).toBe(2)
    })

    test('reads a SKU the seller does not list as null', async () => {
      expect(await stock.read(opts.client(), unitOf('NEVER-LISTED'))).toBeNull()
    })

    test('keeps a SKU with reserved characters intact', async () => {
      const api = opts.client()
      const sku = 'TEE BLK/M+(1)&x'
      await stock.write(api, unitOf(sku), push(5))
      expect(emulator.state.stock.get(sku)).toBe(5)
      expect(await stock.read(api, unitOf(sku))).toBe(5)
    })

    test('a placed order takes stock and its webhooks normalize to the lines placed', async () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 5).set('MUG-WHT', 1)
      const lines = [
        { sku: 'TEE-BLK-M', quantity: 2 },
        { sku: 'MUG-WHT', quantity: 1 },
      ]
      const placed = emulated.placeOrder(state, lines, AT)
      if (!placed.accepted) throw new Error(placed.reason)
      expect(state.stock.get('TEE-BLK-M')).toBe(3)
      expect(state.stock.get('MUG-WHT')).toBe(0)
      expect(state.stats.ordersAccepted).toBe(1)
      expect(state.orders.has(placed.orderId)).toBe(true)
      expect(placed.webhooks.map((w) => w.path)).toEqual([webhookPath()])

      const order = await orderOf(placed.webhooks[0]!, AT)
      expect(order).toMatchObject({
        externalId: placed.orderId,
        status: 'awaiting_fulfillment',
        paymentStatus: 'paid',
        // Every emulated seller sells in the US.
        currency: 'USD',
        placedAt: opts.timeAs(AT),
      })
      expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual(linesAsReported(lines))
      // The emulators give no discount and charge no shipping or tax: the buyer pays the prices.
      for (const line of order.lines) {
        expect(line.unitPrice.amountMinor).toBeGreaterThan(0)
        expect(line.discount.amountMinor).toBe(0)
        expect(line.total.amountMinor).toBe(line.unitPrice.amountMinor * line.quantity)
      }
      const lineTotal = order.lines.reduce((sum, l) => sum + l.total.amountMinor, 0)
      expect(order.totals.total.amountMinor).toBe(lineTotal)
    })

    test('gives every order its own id', () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 10)
      const ids = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const placed = emulated.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], AT)
        if (!placed.accepted) throw new Error(placed.reason)
        expect(placed.orderId).toMatch(opts.orderId)
        ids.add(placed.orderId)
      }
      expect(ids.size).toBe(5)
    })

    test('refuses an order beyond the stock, taking nothing', () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 5).set('MUG-WHT', 1)
      const refusals = [
        // One line of two is beyond the stock.
        [
          { sku: 'TEE-BLK-M', quantity: 1 },
          { sku: 'MUG-WHT', quantity: 2 },
        ],
        // Two lines of one SKU are beyond it together.
        [
          { sku: 'MUG-WHT', quantity: 1 },
          { sku: 'MUG-WHT', quantity: 1 },
        ],
        [{ sku: 'UNLISTED', quantity: 1 }],
      ]
      for (const lines of refusals) {
        const placed = emulated.placeOrder(state, lines, AT)
        expect(placed.accepted, JSON.stringify(lines)).toBe(false)
        if (!placed.accepted) expect(placed.reason).not.toBe('')
      }
      expect(state.stock.get('TEE-BLK-M')).toBe(5)
      expect(state.stock.get('MUG-WHT')).toBe(1)
      expect(state.stats).toMatchObject({ ordersAccepted: 0, ordersRefused: refusals.length })
      expect(state.orders.size).toBe(0)
    })

    test('a cancellation returns the stock, once, and normalizes as cancelled', async () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 5)
      const placed = emulated.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 3 }], AT)
      if (!placed.accepted) throw new Error(placed.reason)
      expect(state.stock.get('TEE-BLK-M')).toBe(2)

      const webhooks = emulated.cancelOrder(state, placed.orderId, LATER)
      expect(state.stock.get('TEE-BLK-M')).toBe(5)
      expect(webhooks.map((w) => w.path)).toEqual([webhookPath()])
      const order = await orderOf(webhooks[0]!, LATER)
      expect(order).toMatchObject({
        externalId: placed.orderId,
        status: 'cancelled',
        placedAt: opts.timeAs(AT),
        updatedAt: opts.timeAs(LATER),
      })
      expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual(
        linesAsReported([{ sku: 'TEE-BLK-M', quantity: 3 }]),
      )

      // Once only: a second cancellation, or one of an unknown order, changes nothing and sends nothing.
      expect(emulated.cancelOrder(state, placed.orderId, LATER)).toEqual([])
      for (const unknown of ['no-such-order', opts.unknownOrder?.id ?? 'no-such-order'])
        expect(emulated.cancelOrder(state, unknown, LATER)).toEqual([])
      expect(state.stock.get('TEE-BLK-M')).toBe(5)
    })

    test('signs its webhooks over the exact body: a changed byte is a bad signature', () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 1)
      const placed = emulated.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], AT)
      if (!placed.accepted) throw new Error(placed.reason)
      const cancelled = emulated.cancelOrder(state, placed.orderId, LATER)
      const report = emulated.reportStock?.(state, 'TEE-BLK-M', LATER)
      const ctx = { credentials: credentials(), now: LATER }
      for (const webhook of [...placed.webhooks, ...cancelled, ...(report ? [report] : [])]) {
        const req = inbound(webhook)
        expect(connector.ingress.verify(req, ctx)).toMatchObject({ ok: true })
        const body = Buffer.from(req.rawBody)
        body[body.length >> 1] = body[body.length >> 1]! ^ 0x01
        expect(connector.ingress.verify({ ...req, rawBody: body }, ctx)).toEqual({
          ok: false,
          reason: 'bad-signature',
        })
      }
    })

    test('hydrating an order the seller does not have fails as transient', async () => {
      if (!opts.unknownOrder)
        throw new Error('unknownOrder is required unless this test is skipped')
      const { id, details, says } = opts.unknownOrder
      // The webhook outran the channel's read side, as far as the hub can tell: retried later.
      const err = await failure(opts.client().hydrate([{ kind: 'order', id }]))
      expect(err.kind).toBe('transient')
      if (details) expect(err.details).toMatchObject(details)
      expect(err.message).toContain(says)
    })

    test('reportStock is keyed like the listing', async () => {
      if (!emulated.reportStock)
        throw new Error('reportStock is required unless this test is skipped')
      emulator.state.stock.set('TEE-BLK-M', 7)
      const webhook = emulated.reportStock(emulator.state, 'TEE-BLK-M', AT)
      expect(webhook?.path).toBe(webhookPath())
      const { observations } = await observe(webhook!, AT)
      expect(observations).toHaveLength(1)
      const [observation] = observations
      if (observation?.kind !== 'inventory-level') throw new Error('not an inventory level')
      expect(observation.data.available).toBe(7)
      expect(stock.reportedUnitKey(observation.data.listing)).toBe(
        stock.unitKey(unitOf('TEE-BLK-M')),
      )
    })

    test('reports nothing for a SKU the seller does not list', () => {
      if (!emulated.reportStock)
        throw new Error('reportStock is required unless this test is skipped')
      expect(emulated.reportStock(emulator.state, 'UNLISTED', AT)).toBeUndefined()
    })

    test('lists each order changed in a window once, as its latest webhook normalizes it', async () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 10)
      const placeAt = (n: number) => {
        const placed = emulated.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], minute(n))
        if (!placed.accepted) throw new Error(placed.reason)
        return placed
      }
      const [a, b, c] = [placeAt(0), placeAt(1), placeAt(2)]
      const cancelled = emulated.cancelOrder(state, a.orderId, minute(3))
      /** Each order's latest webhook, and when it happened. */
      const latest = new Map([
        [a.orderId, { webhook: cancelled.at(-1)!, at: minute(3) }],
        [b.orderId, { webhook: b.webhooks.at(-1)!, at: minute(1) }],
        [c.orderId, { webhook: c.webhooks.at(-1)!, at: minute(2) }],
      ])
      const orders = await listAll({ from: minute(-1), to: minute(4) })
      // Once each, oldest change first: the cancelled order is last, though placed first.
      expect(orders.map((o) => o.id)).toEqual([b.orderId, c.orderId, a.orderId])
      for (const order of orders) {
        const { webhook, at } = latest.get(order.id)!
        expect(Date.parse(order.updatedAt), order.id).toBe(at.getTime())
        expect(await listedSnapshot(order)).toEqual(await orderOf(webhook, at))
      }
    })

    test('leaves out the orders changed outside the window', async () => {
      const { state } = emulator
      state.stock.set('TEE-BLK-M', 10)
      const ids = [0, 2].map((n) => {
        const placed = emulated.placeOrder(state, [{ sku: 'TEE-BLK-M', quantity: 1 }], minute(n))
        if (!placed.accepted) throw new Error(placed.reason)
        return placed.orderId
      })
      emulated.cancelOrder(state, ids[0]!, minute(6))
      const listed = async (from: number, to: number) =>
        (await listAll({ from: minute(from), to: minute(to) })).map((o) => o.id)
      expect(await listed(1, 3)).toEqual([ids[1]])
      // Placed before this window, changed within it.
      expect(await listed(5, 7)).toEqual([ids[0]])
      expect(await listed(3, 5)).toEqual([])
    })

    test('injected 429s (`state.throttleNext`) are read by the client as rate-limited', async () => {
      const { state } = emulator
      const api = opts.client()
      const unit = unitOf('TEE-BLK-M')
      // First a call that passes: the client holds its token, so only the calls below are throttled.
      await stock.write(api, unit, push(1))
      state.throttleNext = 2
      for (const call of [() => stock.read(api, unit), () => stock.write(api, unit, push(2))]) {
        const err = await failure(call())
        expect([err.kind, err.details.status, err.details.retryAfterMs]).toEqual([
          'rate-limited',
          429,
          opts.injectedRetryAfterMs,
        ])
      }
      expect(state.stock.get('TEE-BLK-M')).toBe(1)
      await stock.write(api, unit, push(3))
      expect(await stock.read(api, unit)).toBe(3)
      expect(state.stats).toMatchObject({ throttled: 2, stockWrites: 2 })
    })
  })
}
