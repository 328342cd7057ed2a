// Issue #15's safe onboarding, end to end against the marketplace emulator: an account in
// onboarding gets no stock write at all, adopt takes the channel's quantities as starting on-hand
// only where on-hand is unknown, the dry run shows each listing's first push and changes nothing,
// going live pushes every listing, and an unknown account or channel changes nothing. Each test
// has its own hub account (all on the emulator's one Walmart seller) and its own SKUs.
import { describe, expect, it, vi } from 'vitest'
import { stockCommand } from '../../src/cli/stock.js'
import { sandboxAccounts, type Account } from '../../src/config/index.js'
import { connectors } from '../../connectors/index.js'
import type { AdoptResult } from '../../src/pipeline/adopt-account.js'
import type { DryRunResult } from '../../src/pipeline/onboarding-dry-run.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useEmulator } from '../helpers/emulated-channel.js'

const emulator = useEmulator()
const ONBOARDING = ['onb-quiet', 'onb-adopt', 'onb-dry', 'onb-live', 'onb-missing', 'onb-cli']
const hub = useTestHub({
  accounts: () => [
    ...sandboxAccounts(emulator.url),
    ...ONBOARDING.map((id): Account => ({
      channel: 'walmart',
      id,
      credentials: connectors.walmart.sandboxCredentials(emulator.url),
      stock: { policy: {}, onboarding: true },
    })),
  ],
  workers: true,
})

const walmart = () => emulator.state('walmart')

/** Answers as the routes write them; each test reads the fields it checks. */
interface Answer {
  readonly [field: string]: unknown
  readonly error?: string
  readonly problems?: string[]
}

async function admin<T = Answer>(method: string, path: string, body?: unknown) {
  const res = await hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json', 'x-admin-actor': 'ops-anna' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as T }
}

async function list(account: string, skus: readonly string[], policy = {}) {
  const listings = skus.map((sku) => ({ sku, channel: 'walmart', account, policy }))
  expect((await admin('PUT', '/v1/listings', { listings })).status).toBe(200)
}

async function setLevel(sku: string, onHand: number) {
  const level = { onHand, asOf: new Date().toISOString() }
  expect((await admin('PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
}

interface ListingView {
  id: string
  sku: string
  account: string
  lastPush: { quantity: number | null; status: string | null; error: string | null }
  lastCheck: { quantity: number | null; at: string | null }
}

async function listingOf(sku: string, account: string): Promise<ListingView> {
  const { body } = await admin('GET', `/v1/listings?sku=${sku}`)
  const found = (body.listings as ListingView[]).find((l) => l.account === account)
  if (!found) throw new Error(`no listing of ${sku} on ${account}`)
  return found
}

/** Requests to the emulated Walmart that write the SKU's stock (single or per-node). */
const stockWrites = (sku: string) =>
  walmart().requests.filter(
    (r) => r.method !== 'GET' && `${r.path}?${r.rawQuery}`.includes(encodeURIComponent(sku)),
  )

const onHandOf = async (sku: string) =>
  (await admin<{ onHand: number }>('GET', `/v1/inventory/${sku}`)).body

describe('an account in onboarding', () => {
  it('gets no stock write: each push ends as not-live on the listing', async () => {
    const sku = 'ONB-QUIET-1'
    walmart().stock.set(sku, 7)
    await list('onb-quiet', [sku])
    await setLevel(sku, 40)
    await vi.waitFor(
      async () => expect((await listingOf(sku, 'onb-quiet')).lastPush.status).toBe('not-live'),
      {
        timeout: 10_000,
      },
    )
    const listing = await listingOf(sku, 'onb-quiet')
    expect(listing.lastPush.quantity).toBeNull()
    expect(listing.lastPush.error).toMatch(/walmart\/onb-quiet is onboarding/)
    expect(stockWrites(sku)).toEqual([])
    expect(walmart().stock.get(sku)).toBe(7)
    const mode = await admin('GET', '/v1/admin/accounts/walmart/onb-quiet/stock')
    expect(mode.body).toMatchObject({
      live: false,
      state: 'onboarding',
      decidedBy: 'configuration',
    })
  })

  it('is live when its configuration does not say onboarding, as every account was', async () => {
    const mode = await admin('GET', '/v1/admin/accounts/walmart/demo/stock')
    expect(mode.body).toMatchObject({ live: true, decidedBy: 'configuration' })
  })
})

describe('adopt', () => {
  it('records each channel quantity and sets only unknown on-hand, never a known one', async () => {
    const [fresh, counted, adjusted, unlisted] = [
      'ONB-AD-FRESH',
      'ONB-AD-COUNT',
      'ONB-AD-ADJ',
      'ONB-AD-NONE',
    ]
    walmart().stock.set(fresh, 12)
    walmart().stock.set(counted, 9)
    walmart().stock.set(adjusted, 3)
    walmart().stock.delete(unlisted)
    await setLevel(counted, 5)
    const adjustment = { idempotencyKey: 'onb-ad-1', sku: adjusted, delta: 4 }
    expect((await admin('POST', '/v1/inventory/adjustments', adjustment)).status).toBe(201)
    await list('onb-adopt', [fresh, counted, adjusted, unlisted])

    const adopted = await admin<AdoptResult>(
      'POST',
      '/v1/admin/accounts/walmart/onb-adopt/stock/adopt',
    )
    expect(adopted.status).toBe(200)
    expect(adopted.body).toMatchObject({
      account: 'walmart/onb-adopt',
      listings: 4,
      read: 4,
      failed: [],
      onHandSet: [{ sku: fresh, onHand: 12 }],
    })
    expect([...adopted.body.onHandKept].sort()).toEqual([adjusted, counted].sort())
    expect(adopted.body.notListed.map((n) => n.sku)).toEqual([unlisted])

    expect((await onHandOf(fresh)).onHand).toBe(12)
    expect((await onHandOf(counted)).onHand).toBe(5)
    expect((await onHandOf(adjusted)).onHand).toBe(4)
    expect((await admin('GET', `/v1/inventory/${unlisted}`)).status).toBe(404)
    for (const [sku, quantity] of [
      [fresh, 12],
      [counted, 9],
      [adjusted, 3],
      [unlisted, null],
    ] as const)
      expect((await listingOf(sku, 'onb-adopt')).lastCheck.quantity).toBe(quantity)

    // The change is an ordinary inventory.changed event whose cause names the adopt.
    const events = await hub.deps.db
      .selectFrom('outbox_event')
      .select('envelope')
      .where('type', '=', 'inventory.changed.v1')
      .where('subject', '=', `sku/${fresh}`)
      .execute()
    expect(events.map((e) => (e.envelope as { data: { cause: unknown } }).data.cause)).toEqual([
      {
        kind: 'on-hand-set',
        reference: 'adopt:walmart/onb-adopt',
        channel: 'walmart',
        account: 'onb-adopt',
      },
    ])
    // Adopting read the channel; the account being in onboarding, it wrote nothing.
    for (const sku of [fresh, counted, adjusted]) expect(stockWrites(sku)).toEqual([])
    const mode = await admin('GET', '/v1/admin/accounts/walmart/onb-adopt/stock')
    expect(mode.body.adoptedAt).not.toBeNull()
    expect(mode.body.live).toBe(false)

    // Adopting again changes no on-hand: every SKU it found is known now.
    walmart().stock.set(fresh, 30)
    const again = await admin('POST', '/v1/admin/accounts/walmart/onb-adopt/stock/adopt')
    expect(again.body.onHandSet).toEqual([])
    expect((await onHandOf(fresh)).onHand).toBe(12)
    expect((await listingOf(fresh, 'onb-adopt')).lastCheck.quantity).toBe(30)
  })
})

describe('the dry run', () => {
  it('lists per listing the first push and its difference from the channel, and changes nothing', async () => {
    const [counted, unknown] = ['ONB-DRY-COUNT', 'ONB-DRY-UNKNOWN']
    walmart().stock.set(counted, 15)
    walmart().stock.delete(unknown)
    await setLevel(counted, 20)
    await list('onb-dry', [counted, unknown], { buffer: 2 })
    expect((await admin('POST', '/v1/admin/accounts/walmart/onb-dry/stock/adopt')).status).toBe(200)
    const before = await snapshot(counted, unknown)

    const run = await admin<DryRunResult>('GET', '/v1/admin/accounts/walmart/onb-dry/stock/dry-run')
    expect(run.status).toBe(200)
    const bySku = new Map(run.body.listings.map((l) => [l.sku, l]))
    expect(bySku.get(counted)).toMatchObject({
      channelShows: 15,
      firstPush: 18, // 20 on hand, less the listing's buffer of 2
      difference: 3,
      heldBecause: ['account-not-live'],
    })
    expect(bySku.get(unknown)).toMatchObject({
      channelShows: null,
      firstPush: null,
      difference: null,
      heldBecause: ['on-hand-unknown', 'account-not-live'],
    })
    expect(run.body.summary).toMatchObject({
      listings: 2,
      wouldPush: 1,
      raised: 1,
      held: { 'on-hand-unknown': 1, 'account-not-live': 2, 'channel-held': 0 },
    })
    expect(run.body.mode).toMatchObject({ live: false })
    expect(await snapshot(counted, unknown)).toEqual(before)
  })
})

/** What a dry run must leave alone: the ledger, the listings, the account, the channel. */
async function snapshot(...skus: string[]) {
  const db = hub.deps.db
  return {
    items: await db
      .selectFrom('inventory_item')
      .selectAll()
      .where('sku', 'in', skus)
      .orderBy('sku')
      .execute(),
    listings: await db
      .selectFrom('listing')
      .selectAll()
      .where('sku', 'in', skus)
      .orderBy('id')
      .execute(),
    state: await db
      .selectFrom('account_stock_state')
      .selectAll()
      .where('account_id', '=', 'onb-dry')
      .execute(),
    requests: walmart().requests.length,
  }
}

describe('going live', () => {
  it('pushes every listing of the account, is audited, and switching back holds pushes again', async () => {
    const skus = ['ONB-LIVE-A', 'ONB-LIVE-B']
    for (const sku of skus) walmart().stock.set(sku, 1)
    await list('onb-live', skus)
    await setLevel(skus[0]!, 11)
    await setLevel(skus[1]!, 22)
    await vi.waitFor(
      async () => {
        for (const sku of skus)
          expect((await listingOf(sku, 'onb-live')).lastPush.status).toBe('not-live')
      },
      { timeout: 10_000 },
    )
    expect(skus.map(stockWrites)).toEqual([[], []])

    const live = await admin('PUT', '/v1/admin/accounts/walmart/onb-live/stock/live', {
      live: true,
    })
    expect(live.status).toBe(200)
    expect(live.body).toEqual({
      account: 'walmart/onb-live',
      live: true,
      listings: 2,
      pushesQueued: 2,
    })
    await vi.waitFor(() => expect(skus.map((s) => walmart().stock.get(s))).toEqual([11, 22]), {
      timeout: 10_000,
    })
    const mode = await admin('GET', '/v1/admin/accounts/walmart/onb-live/stock')
    expect(mode.body).toMatchObject({ live: true, decidedBy: 'switch', changedBy: 'ops-anna' })
    const audit = await hub.deps.db
      .selectFrom('audit_log')
      .select(['actor', 'path', 'status'])
      .where('path', '=', '/v1/admin/accounts/walmart/onb-live/stock/live')
      .execute()
    expect(audit).toEqual([
      { actor: 'ops-anna', path: '/v1/admin/accounts/walmart/onb-live/stock/live', status: 200 },
    ])

    const back = await admin('PUT', '/v1/admin/accounts/walmart/onb-live/stock/live', {
      live: false,
    })
    expect(back.body).toMatchObject({ live: false, pushesQueued: 0 })
    const writes = stockWrites(skus[0]!).length
    await setLevel(skus[0]!, 5)
    await vi.waitFor(
      async () => expect((await listingOf(skus[0]!, 'onb-live')).lastPush.status).toBe('not-live'),
      {
        timeout: 10_000,
      },
    )
    expect(stockWrites(skus[0]!)).toHaveLength(writes)
    expect(walmart().stock.get(skus[0]!)).toBe(11)
  })
})

describe('an unknown account or channel', () => {
  it('is refused naming it, and nothing changes', async () => {
    const before = await hub.deps.db.selectFrom('account_stock_state').selectAll().execute()
    const requests = walmart().requests.length
    for (const [method, suffix, body] of [
      ['POST', 'adopt', undefined],
      ['GET', 'dry-run', undefined],
      ['PUT', 'live', { live: true }],
      ['GET', '', undefined],
    ] as const) {
      const path = `/v1/admin/accounts/walmart/nobody/stock${suffix ? `/${suffix}` : ''}`
      const res = await admin(method, path, body)
      expect(res.status, path).toBe(404)
      expect(res.body.error).toBe('no account walmart/nobody is configured')
      const channel = await admin(method, path.replace('/walmart/', '/ebay/'), body)
      expect(channel.status).toBe(400)
      expect(channel.body.problems).toEqual(['channel: "ebay" is not a channel the hub knows'])
    }
    const bad = await admin('PUT', '/v1/admin/accounts/walmart/onb-missing/stock/live', {
      live: 'yes',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.problems?.[0]).toMatch(/^body\.live/)
    expect(await hub.deps.db.selectFrom('account_stock_state').selectAll().execute()).toEqual(
      before,
    )
    expect(walmart().requests.length).toBe(requests)
  })
})

describe('hub stock (the CLI command, in process)', () => {
  it('answers exit 2 for an unknown channel, 1 for an unknown account, and 0 going live', async () => {
    const errors: string[] = []
    const logs: string[] = []
    const spies = [
      vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line)),
      vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line)),
    ]
    try {
      expect(await stockCommand(hub.deps, 'adopt', 'ebay', 'demo')).toBe(2)
      expect(errors.pop()).toMatch(/--channel must be one of shopify, amazon, walmart, tiktok-shop/)
      expect(await stockCommand(hub.deps, 'go-live', 'walmart', 'nobody')).toBe(1)
      expect(errors.pop()).toBe(
        'hub stock go-live: no account walmart/nobody is configured; nothing changed',
      )
      expect(await stockCommand(hub.deps, 'dry-run', 'walmart', 'onb-cli')).toBe(0)
      expect(logs.at(-1)).toBe(
        '0 listings: 0 would be pushed (0 unchanged, 0 raised, 0 lowered, 0 channel quantity unknown)',
      )
      expect(await stockCommand(hub.deps, 'go-live', 'walmart', 'onb-cli')).toBe(0)
      expect(logs.at(-1)).toBe('walmart/onb-cli is live: pushes queued for 0 of 0 listings')
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    const audit = await hub.deps.db
      .selectFrom('audit_log')
      .select(['method', 'path', 'query'])
      .where('method', '=', 'CLI')
      .execute()
    expect(audit).toEqual([
      { method: 'CLI', path: 'hub stock go-live', query: 'channel=walmart&account=onb-cli' },
    ])
  })
})
