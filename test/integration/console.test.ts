// The operator's console (issue #18): the risks are a console that shows numbers other than the
// hub's (or nothing, silently), that lets anyone in or lets another site act through an
// operator's browser, that acts before the operator confirmed, acts unaudited, or takes bad input
// and changes something anyway. Real PostgreSQL and Redis; pages through `app.request()`.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { recordCheck, recordPush, recordReport } from '../../src/db/repos/listings.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../helpers/hub.js'
import { inboxStatus, receiveAndNormalize, relayAll } from '../helpers/pipeline.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()

const ORIGIN = 'http://localhost'
const ORDER_ID = '5940139491234'
const STOCK_SKU = 'CONSOLE-TEE'

const basic = (user: string, password = TEST_ADMIN_TOKEN) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

async function page(path: string, headers: Record<string, string> = ADMIN) {
  const res = await hub.app.request(path, { headers })
  return { status: res.status, headers: res.headers, html: await res.text() }
}

/** Posts a console form as the console's own page does (same origin, form-encoded, Basic). */
async function submit(
  action: string,
  fields: Record<string, string>,
  opts: { user?: string; headers?: Record<string, string> } = {},
) {
  const res = await hub.app.request(`/console/actions/${action}`, {
    method: 'POST',
    headers: {
      authorization: basic(opts.user ?? 'ops-anna'),
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...opts.headers,
    },
    body: new URLSearchParams(fields).toString(),
  })
  return { status: res.status, html: await res.text() }
}

/** The confirmation token of a review page. */
function tokenOf(html: string): string {
  const token = /name="confirm" value="([^"]+)"/.exec(html)?.[1]
  if (!token) throw new Error(`no confirmation token in:\n${html.slice(0, 2000)}`)
  return token
}

/** The text of the element `data-testid="<cell>"` inside the element `data-testid="<row>"`. */
function cell(html: string, row: string, cellId: string): string {
  const start = html.indexOf(`data-testid="${row}"`)
  if (start < 0) throw new Error(`no ${row} in the page`)
  const end = html.indexOf('</tr>', start)
  const scope = html.slice(start, end < 0 ? undefined : end)
  const match = new RegExp(`data-testid="${cellId}"[^>]*>([\\s\\S]*?)</t[dh]>`).exec(scope)
  if (!match) throw new Error(`no ${cellId} in ${row}`)
  return match[1]!
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** One panel's section, with what changes between two renders (times and ages) blanked. */
function panelMarkup(html: string, name: string): string {
  const start = html.indexOf(`<section class="panel" data-testid="panel-${name}"`)
  if (start < 0) throw new Error(`no panel ${name}`)
  let depth = 0
  const tag = /<(\/?)section\b/g
  tag.lastIndex = start
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    depth += m[1] ? -1 : 1
    if (depth === 0)
      return html
        .slice(start, m.index + '</section>'.length)
        .replace(/\d\d:\d\d:\d\d UTC/g, 'TIME')
        .replace(/\d+[smhd]( \d+[smh])?/g, 'AGE')
  }
  throw new Error(`panel ${name} not closed`)
}

/** The kinds of a page's timeline entries, in the order shown. */
const timelineKinds = (html: string) =>
  [...html.matchAll(/data-testid="timeline-entry" data-kind="([a-z_]+)"/g)].map((m) => m[1])

/** Text as hono's JSX writes it into a page. */
const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')

const auditEntries = (path: string) =>
  hub.deps.db
    .selectFrom('audit_log')
    .select(['actor', 'method', 'path', 'status', 'body', 'details'])
    .where('path', '=', path)
    .orderBy('id')
    .execute()

async function createSubscription(): Promise<string> {
  const res = await hub.app.request('/v1/subscriptions', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', eventTypes: ['order.*'] }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

async function createListing(sku: string): Promise<string> {
  const res = await hub.app.request('/v1/listings', {
    method: 'PUT',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ listings: [{ sku, channel: 'walmart', account: 'demo' }] }),
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { ids: string[] }).ids[0]!
}

const walmartQueue = () => hub.deps.queues.stock.queueOf('walmart', 'demo')!
const jobsOf = async (listingId: string, kind: 'push' | 'check') =>
  (await walmartQueue().getJobs(['waiting', 'delayed', 'prioritized'])).filter(
    (j) => j.data.listingId === listingId && j.data.kind === kind,
  )

/** A webhook stored but not normalized yet (no workers run in this file). */
async function storedUnprocessed(webhookId: string): Promise<string> {
  const fx = loadFixture('shopify', 'orders-create/multi-line-discounts')
  const res = await postShopify(hub.app, withBody(fx, fx.body, webhookId))
  expect(res.status).toBe(200)
  return ((await res.json()) as { id: string }).id
}

// What every test may read and none changes: a normalized order, a stock report, one message the
// normalizer rejects, a webhook refused for its signature, a subscriber with pending deliveries,
// and a listing with a push, a channel report and a check.
let orderMessage: string
let failedMessage: string
let subscription: string
let listing: string

beforeAll(async () => {
  orderMessage = (await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/basic')))!
  await receiveAndNormalize(hub, loadFixture('shopify', 'inventory_levels-update/basic'))
  failedMessage = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'orders-create/invalid-missing-price'),
  ))!
  const refused = await postShopify(hub.app, loadFixture('shopify', 'orders-create/basic'), {
    secret: 'not-the-shop-secret',
  })
  expect(refused.status).toBe(401)
  const misaddressed = await postShopify(hub.app, loadFixture('shopify', 'orders-create/basic'), {
    account: 'no-such-shop',
  })
  expect(misaddressed.status).toBe(404)
  subscription = await createSubscription()
  await relayAll(hub.deps)
  listing = await createListing(STOCK_SKU)
  const level = await hub.app.request(`/v1/inventory/${STOCK_SKU}`, {
    method: 'PUT',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ onHand: 12, asOf: new Date().toISOString() }),
  })
  expect(level.status).toBe(200)
  const at = new Date()
  await recordPush(hub.deps.db, listing, { status: 'applied', quantity: 9, at })
  await recordReport(hub.deps.db, listing, { quantity: 7, at, echo: false })
  await recordCheck(hub.deps.db, listing, { quantity: 7, drift: -2, at })
})

describe('access', () => {
  it('refuses every console path without the admin token, with a Basic challenge', async () => {
    for (const path of [
      '/console',
      '/console/panels/stock',
      '/console/assets/console.js',
      `/console/skus/${STOCK_SKU}`,
    ]) {
      const none = await page(path, {})
      expect(none.status, path).toBe(401)
      expect(none.headers.get('www-authenticate'), path).toMatch(/^Basic /)
      expect((await page(path, { authorization: basic('x', 'wrong-token') })).status).toBe(401)
    }
    const post = await submit(
      'pause-subscription',
      { subscription },
      { headers: { authorization: '' } },
    )
    expect(post.status).toBe(401)
  })

  it('accepts the token as Bearer and as HTTP Basic (any user name)', async () => {
    expect((await page('/console')).status).toBe(200)
    expect((await page('/console', { authorization: basic('ops-anna') })).status).toBe(200)
  })
})

describe('assets', () => {
  it('serves its own stylesheet and script with their types, and every page under a strict CSP', async () => {
    const css = await page('/console/assets/console.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    const js = await page('/console/assets/console.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.html).toContain('data-panel-body')
    const icon = await page('/console/assets/icon.svg')
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    const overview = await page('/console')
    expect(overview.headers.get('content-type')).toMatch(/^text\/html/)
    for (const res of [css, js, overview]) {
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
    // Nothing inline for the CSP to refuse, and nothing from another origin.
    expect(overview.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(overview.html).not.toMatch(/\sstyle="/)
    expect(overview.html).not.toMatch(/(src|href)="https?:/)
    expect(overview.html.startsWith('<!DOCTYPE html>')).toBe(true)
  })
})

describe('panels', () => {
  it('shows each account’s stored, failed and refused webhooks, with the failure’s reason', async () => {
    const stored = async () => {
      const counts = await hub.deps.db
        .selectFrom('inbox_message')
        .select((eb) => [
          eb.fn.countAll<string>().as('all'),
          eb.fn.count<string>('id').filterWhere('status', '=', 'failed').as('failed'),
        ])
        .where('channel', '=', 'shopify')
        .where('account_id', '=', 'demo')
        .executeTakeFirstOrThrow()
      return [counts.all, counts.failed]
    }
    expect(Number((await stored())[0])).toBeGreaterThanOrEqual(3)
    // The panel's read is shared for a few seconds: another test's webhook may be newer than it.
    const html = await vi.waitFor(
      async () => {
        const { html } = await page('/console')
        expect([
          cell(html, 'account-shopify-demo', 'accepted'),
          cell(html, 'account-shopify-demo', 'failed'),
        ]).toEqual(await stored())
        return html
      },
      { timeout: 15_000, interval: 500 },
    )
    expect(cell(html, 'account-shopify-demo', 'last-webhook')).toMatch(/\d+s ago/)
    expect(cell(html, 'account-amazon-demo', 'last-webhook')).toBe('never')
    // This process answered them all; the refusal exists nowhere but its counters.
    expect(Number(cell(html, 'webhook-counts-shopify-demo', 'refused'))).toBe(1)
    expect(cell(html, 'webhook-counts-shopify-demo', 'refusals')).toBe(
      'rejected 1, bad-signature 1',
    )
    // One for an account the hub does not have: counted apart, under no made-up account name.
    expect(cell(html, 'webhook-counts-shopify-unknown', 'refusals')).toBe('unknown-account 1')
    expect(html).not.toContain('no-such-shop')
    const failed = await hub.deps.db
      .selectFrom('inbox_message')
      .select('outcome')
      .where('id', '=', failedMessage)
      .executeTakeFirstOrThrow()
    const reason = failed.outcome && 'issues' in failed.outcome ? failed.outcome.issues[0]! : ''
    expect(reason).not.toBe('')
    expect(cell(html, `failed-${failedMessage}`, 'reason')).toContain(reason.slice(0, 40))
  })

  it('shows the pipeline’s backlog and each subscriber’s pending deliveries', async () => {
    const { html } = await page('/console/panels/pipeline')
    const pending = await hub.deps.db
      .selectFrom('delivery')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('subscription_id', '=', subscription)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    expect(Number(pending.n)).toBeGreaterThan(0)
    expect(cell(html, `subscription-${subscription}`, 'pending')).toBe(pending.n)
    expect(cell(html, `subscription-${subscription}`, 'status')).toBe('active')
    expect(html).toContain(`data-testid="pause-${subscription}"`)
    const unpublished = await hub.deps.db
      .selectFrom('outbox_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('position', 'is', null)
      .executeTakeFirstOrThrow()
    expect(/data-testid="outbox-unpublished">(\d+)</.exec(html)?.[1]).toBe(unpublished.n)
  })

  it('shows each listing’s available-to-sell, push, channel report and drift', async () => {
    const { html } = await page(`/console?sku=${STOCK_SKU}`)
    const item = await hub.deps.db
      .selectFrom('inventory_item')
      .select('ats')
      .where('sku', '=', STOCK_SKU)
      .executeTakeFirstOrThrow()
    const row = `stock-${listing}`
    expect(cell(html, row, 'ats')).toBe(String(item.ats))
    expect(cell(html, row, 'pushed')).toBe('9')
    expect(cell(html, row, 'push-status')).toBe('applied')
    expect(cell(html, row, 'reported')).toBe('7')
    expect(cell(html, row, 'drift')).toBe('-2')
    // The search narrows the table: a prefix nothing has shows none.
    const none = await page('/console/panels/stock?sku=NO-SUCH-')
    expect(none.html).toContain('data-testid="no-listings"')
  })

  it('draws intake per minute as a chart with the webhooks stored in the last hour', async () => {
    const { html } = await page('/console/panels/charts')
    const intake = /data-testid="chart-intake"[\s\S]*?<\/figure>/.exec(html)![0]
    expect(intake).toContain('<polyline')
    expect(Number(/data-max="(\d+)"/.exec(intake)![1])).toBeGreaterThanOrEqual(3)
    expect(html).toContain('data-testid="chart-latency"')
    expect(html).toContain('data-testid="chart-delivery-failures"')
  })

  it('serves each panel alone as the same markup the page holds', async () => {
    const overview = (await page('/console')).html
    for (const name of ['accounts', 'pipeline', 'stock', 'charts']) {
      const fragment = await page(`/console/panels/${name}`)
      expect(fragment.status).toBe(200)
      expect(fragment.html.startsWith('<section')).toBe(true)
      expect(panelMarkup(fragment.html, name)).toBe(panelMarkup(overview, name))
      expect(fragment.html).toContain(`data-panel="/console/panels/${name}"`)
    }
  })
})

describe('search and detail pages', () => {
  it('finds an order by its id and shows it without the buyer’s personal data', async () => {
    const found = await hub.app.request(`/console/search?q=${ORDER_ID}`, { headers: ADMIN })
    expect(found.status).toBe(302)
    const href = found.headers.get('location')!
    expect(href).toBe(`/console/orders/shopify/demo/${ORDER_ID}`)
    const { status, html } = await page(href)
    expect(status).toBe(200)
    expect(html).toContain('data-testid="order-status"')
    expect(html).toContain(`data-testid="message-${orderMessage}"`)
    expect(html).toContain('order.created.v1')
    // The timeline is the lineage API's history of the order, step for step.
    const api = await hub.app.request(`/v1/admin/orders/shopify/demo/${ORDER_ID}/history`, {
      headers: ADMIN,
    })
    const history = (await api.json()) as { entries: { kind: string; summary: string }[] }
    expect(history.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['webhook', 'normalization', 'event']),
    )
    expect(timelineKinds(html)).toEqual(history.entries.map((e) => e.kind))
    for (const e of history.entries) expect(html).toContain(escapeHtml(e.summary))
    expect(html).toContain(`/console/actions/replay-message?inboxId=${orderMessage}`)
    expect(html).not.toContain('ava.reed@example.com')
    expect(html).not.toContain('42 Example Street')
  })

  it('finds a SKU and shows its listings, and says plainly when nothing matches', async () => {
    const found = await hub.app.request(`/console/search?q=${STOCK_SKU}`, { headers: ADMIN })
    expect(found.headers.get('location')).toBe(`/console/skus/${STOCK_SKU}`)
    const sku = await page(`/console/skus/${STOCK_SKU}`)
    expect(cell(sku.html, `listing-${listing}`, 'reported')).toMatch(/^7 /)
    // Why the listing shows what it does, and the SKU's timeline: the lineage API's own answers.
    const api = await hub.app.request(`/v1/admin/inventory/${STOCK_SKU}/history`, {
      headers: ADMIN,
    })
    const history = (await api.json()) as {
      listings: { listing: { id: string }; summary: string }[]
      entries: { kind: string }[]
    }
    const explained = history.listings.find((l) => l.listing.id === listing)!
    expect(sku.html).toContain(
      `data-testid="explanation-${listing}">${escapeHtml(explained.summary)}</li>`,
    )
    // The recount (an inventory event), then the push, the channel's report and the check.
    expect(history.entries.map((e) => e.kind)).toEqual(['event', 'push', 'report', 'check'])
    expect(timelineKinds(sku.html)).toEqual(history.entries.map((e) => e.kind))
    // The picture: available to sell (12 after the recount) and what the listing was sent (9).
    const chart = /data-testid="chart-sku"[\s\S]*?<\/figure>/.exec(sku.html)![0]
    expect(chart).toContain('data-series="available to sell"')
    expect(chart).toContain('data-series="pushed to walmart/demo"')
    expect(Number(/data-max="(\d+)"/.exec(chart)![1])).toBeGreaterThanOrEqual(12)
    const badWindow = await page(`/console/skus/${STOCK_SKU}?until=yesterday`)
    expect(badWindow.status).toBe(400)
    expect(badWindow.html).toContain('<code>until</code> must be a time')
    const nothing = await page('/console/search?q=NOTHING-HAS-THIS')
    expect(nothing.status).toBe(404)
    const empty = await page('/console/search?q=%20')
    expect(empty.status).toBe(400)
    expect(empty.html).toContain('data-testid="error-q"')
  })
})

describe('actions', () => {
  it('replays one message only once confirmed, audited with its actor', async () => {
    const id = await storedUnprocessed(`console-replay-${Date.now()}`)
    const status = () => inboxStatus(hub.deps, id)

    const bad = await submit('replay-message', { inboxId: 'abc' })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('data-testid="error-inboxId"')
    expect(bad.html).toContain('inboxId: must be an inbox message id')
    expect(await status()).toBe('received')

    const review = await submit('replay-message', { inboxId: id })
    expect(review.status).toBe(200)
    expect(review.html).toContain('data-testid="confirmation"')
    expect(review.html).toContain(`data-testid="prediction-${id}"`)
    expect(await status()).toBe('received')

    // The token confirms the reviewed message only.
    const other = await submit('replay-message', {
      inboxId: orderMessage,
      confirm: tokenOf(review.html),
    })
    expect(other.status).toBe(400)
    expect(other.html).toContain('data-testid="error-confirm"')
    expect(await status()).toBe('received')

    const done = await submit('replay-message', { inboxId: id, confirm: tokenOf(review.html) })
    expect(done.status).toBe(200)
    expect(done.html).toContain('data-testid="flash"')
    expect(done.html).toMatch(/data-testid="result">applied</)
    expect(await status()).toBe('normalized')
    const audit = await auditEntries('/console/actions/replay-message')
    expect(
      audit.find((a) => a.details?.step === 'confirmed' && a.details.inboxId === id),
    ).toMatchObject({
      actor: 'ops-anna',
      method: 'POST',
      status: 200,
      details: { console: 'replay-message', result: 'applied' },
    })
    expect(audit.some((a) => a.body?.includes(`inboxId=${id}`))).toBe(true)
    expect(JSON.stringify(audit)).not.toContain(TEST_ADMIN_TOKEN)
  })

  it('starts a bulk replay run after showing its dry run, and links to it', async () => {
    const runs = () => hub.deps.db.selectFrom('replay_run').select(['id', 'filter']).execute()
    const before = (await runs()).length

    const bad = await submit('replay-filter', { from: 'yesterday', status: 'failed' })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('data-testid="error-from"')
    expect(bad.html).toContain('from: must be an ISO 8601 time')
    const badChannel = await submit('replay-filter', { channel: 'ebay' })
    expect(badChannel.status).toBe(400)
    expect(badChannel.html).toContain('data-testid="error-channel"')

    const review = await submit('replay-filter', { status: 'failed', channel: 'shopify' })
    expect(review.status).toBe(200)
    expect(review.html).toMatch(/data-testid="matching">\s*<strong>1<\/strong>/)
    expect(review.html).toContain(`data-testid="prediction-${failedMessage}"`)
    expect((await runs()).length).toBe(before)

    const confirmed = { status: 'failed', channel: 'shopify', confirm: tokenOf(review.html) }
    const done = await submit('replay-filter', confirmed)
    expect(done.status).toBe(200)
    const runId = /data-testid="run-link">(rpl_[\w-]+)</.exec(done.html)?.[1]
    expect(runId).toBeDefined()
    // The same Confirm posted again (a double click, a resend) starts no second run.
    const again = await submit('replay-filter', confirmed)
    expect(again.status).toBe(400)
    expect(again.html).toContain('already confirmed once')
    expect((await runs()).length).toBe(before + 1)
    const run = (await runs()).find((r) => r.id === runId)
    expect(run?.filter).toEqual({ status: 'failed', channel: 'shopify' })
    const shown = await page(`/console/replays/${runId}`)
    expect(shown.status).toBe(200)
    expect(shown.html).toContain('data-testid="run-status"')
    const audit = await auditEntries('/console/actions/replay-filter')
    expect(audit.find((a) => a.details?.runId === runId)).toMatchObject({ actor: 'ops-anna' })
  })

  it('pauses and resumes a subscriber only once confirmed', async () => {
    const id = await createSubscription()
    const statusOf = async () =>
      (
        await hub.deps.db
          .selectFrom('subscription')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status

    const bad = await submit('pause-subscription', { subscription: 'sub_nope' })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('subscription: no subscription has id sub_nope')

    const review = await submit('pause-subscription', { subscription: id })
    expect(review.status).toBe(200)
    expect(review.html).toContain('data-testid="subscription-preview"')
    expect(await statusOf()).toBe('active')
    const paused = await submit('pause-subscription', {
      subscription: id,
      confirm: tokenOf(review.html),
    })
    expect(paused.status).toBe(200)
    expect(await statusOf()).toBe('paused')

    // A token for pausing does not resume.
    const wrongAction = await submit('resume-subscription', {
      subscription: id,
      confirm: tokenOf(review.html),
    })
    expect(wrongAction.status).toBe(400)
    expect(await statusOf()).toBe('paused')
    const resumeReview = await submit('resume-subscription', { subscription: id })
    const resumed = await submit('resume-subscription', {
      subscription: id,
      confirm: tokenOf(resumeReview.html),
    })
    expect(resumed.status).toBe(200)
    expect(await statusOf()).toBe('active')

    const audit = (await auditEntries('/console/actions/pause-subscription')).filter(
      (a) => a.details?.subscription === id,
    )
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'ops-anna',
        status: 200,
        details: expect.objectContaining({ step: 'confirmed', outcome: 'changed' }),
      }),
    ])
  })

  it('queues a reconciliation of a SKU only once confirmed', async () => {
    const sku = `CONSOLE-RECON-${Date.now()}`
    const id = await createListing(sku)
    // Last pushed an hour ago, outside the settle window in which reconciliation skips it.
    await hub.deps.db
      .updateTable('listing')
      .set({ last_push_attempt_at: new Date(Date.now() - 3_600_000) })
      .where('id', '=', id)
      .execute()

    const empty = await submit('reconcile-sku', { sku: '' })
    expect(empty.status).toBe(400)
    expect(empty.html).toContain('sku: required')
    const unknown = await submit('reconcile-sku', { sku: 'NO-SUCH-SKU' })
    expect(unknown.status).toBe(400)
    expect(unknown.html).toContain('data-testid="error-sku"')

    const review = await submit('reconcile-sku', { sku })
    expect(review.status).toBe(200)
    expect(review.html).toContain('data-testid="reconcile-preview"')
    expect(await jobsOf(id, 'check')).toHaveLength(0)
    const done = await submit('reconcile-sku', { sku, confirm: tokenOf(review.html) })
    expect(done.status).toBe(200)
    expect(done.html).toMatch(/data-testid="result">1 queued</)
    expect(await jobsOf(id, 'check')).toHaveLength(1)
    const audit = await auditEntries('/console/actions/reconcile-sku')
    expect(
      audit.find((a) => a.details?.sku === sku && a.details.step === 'confirmed'),
    ).toMatchObject({
      actor: 'ops-anna',
      details: { queued: 1 },
    })
  })

  it('queues a listing’s push again only once confirmed', async () => {
    const id = await createListing(`CONSOLE-PUSH-${Date.now()}`)
    // The push the new listing queued, gone (as if done), so the retry's own job can be seen.
    for (const job of await jobsOf(id, 'push')) await job.remove()
    expect(await jobsOf(id, 'push')).toHaveLength(0)

    const bad = await submit('retry-push', { listing: 'x' })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('listing: must be a listing id')

    const review = await submit('retry-push', { listing: id })
    expect(review.status).toBe(200)
    expect(review.html).toContain('data-testid="push-preview"')
    expect(await jobsOf(id, 'push')).toHaveLength(0)
    const done = await submit('retry-push', { listing: id, confirm: tokenOf(review.html) })
    expect(done.status).toBe(200)
    expect(await jobsOf(id, 'push')).toHaveLength(1)
    const audit = await auditEntries('/console/actions/retry-push')
    expect(
      audit.find((a) => a.details?.listing === id && a.details.step === 'confirmed'),
    ).toMatchObject({
      actor: 'ops-anna',
      details: { result: 'queued' },
    })
  })

  it('refuses a form posted from another site, or without saying where from, before anything', async () => {
    const id = await createSubscription()
    const review = await submit('pause-subscription', { subscription: id })
    const fields = { subscription: id, confirm: tokenOf(review.html) }
    const forged = await submit('pause-subscription', fields, {
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    })
    expect(forged.status).toBe(403)
    const unsaid = await hub.app.request('/console/actions/pause-subscription', {
      method: 'POST',
      headers: {
        authorization: basic('ops-anna'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields).toString(),
    })
    expect(unsaid.status).toBe(403)
    expect(await unsaid.text()).toContain('own pages only')
    const json = await hub.app.request('/console/actions/pause-subscription', {
      method: 'POST',
      headers: {
        authorization: basic('ops-anna'),
        origin: ORIGIN,
        'content-type': 'application/json',
      },
      body: JSON.stringify(fields),
    })
    expect(json.status).toBe(415)
    const status = await hub.deps.db
      .selectFrom('subscription')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(status.status).toBe('active')
    // Refused before authentication: no audit entry claims an actor for them.
    const audit = (await auditEntries('/console/actions/pause-subscription')).filter(
      (a) => a.details?.subscription === id,
    )
    expect(audit.map((a) => a.details?.step)).toEqual([])
  })
})
