// The console in a real browser (issue #18): the risks are those only a browser shows — a page
// whose script or styles the CSP blocks, panels that never refresh, buttons and confirmation
// steps that do not work when clicked, a page that loads without the admin token — and a console
// whose numbers are not the hub's. Debian's chromium through playwright-core; screenshots are
// saved under test-artifacts/screenshots (docs/operations.md shows them).
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { recordCheck, recordPush, recordReport } from '../../src/db/repos/listings.js'
import { backlogSnapshot } from '../../src/metrics/backlog.js'
import { createBacklogSampler } from '../../src/pipeline/backlog-sampler.js'
import { useBrowser } from '../helpers/browser.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../helpers/hub.js'
import { inboxStatus, receiveAndNormalize, relayAll } from '../helpers/pipeline.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub({ listen: true })
const browser = useBrowser()

const OPERATOR = { username: 'ops-anna', password: TEST_ADMIN_TOKEN }
const ORDER_ID = '5940139491234' // orders-create/basic
const SKU = 'BROWSER-TEE'

let subscription: string
let listing: string
let waiting: string

async function admin(method: string, path: string, body: unknown): Promise<unknown> {
  const res = await hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, path).toBeLessThan(300)
  return res.json()
}

/** The text of `data-testid=<cell>` in the row `data-testid=<row>`, spaces folded. */
async function cell(page: Page, row: string, name: string): Promise<string> {
  const text = await page.getByTestId(row).getByTestId(name).first().innerText()
  return text.replace(/\s+/g, ' ').trim()
}

async function newSubscription(): Promise<string> {
  const created = (await admin('POST', '/v1/subscriptions', {
    url: 'http://127.0.0.1:9/hook',
    eventTypes: ['order.*'],
  })) as { id: string }
  return created.id
}

const acceptedWebhooks = async () =>
  (
    await hub.deps.db
      .selectFrom('inbox_message')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel', '=', 'shopify')
      .where('account_id', '=', 'demo')
      .executeTakeFirstOrThrow()
  ).n

beforeAll(async () => {
  await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/basic'))
  await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/invalid-missing-price'))
  const fx = loadFixture('shopify', 'orders-create/multi-line-discounts')
  const stored = await postShopify(hub.app, withBody(fx, fx.body, 'browser-waiting'))
  waiting = ((await stored.json()) as { id: string }).id
  subscription = await newSubscription()
  await relayAll(hub.deps)
  listing = (
    (await admin('PUT', '/v1/listings', {
      listings: [{ sku: SKU, channel: 'walmart', account: 'demo' }],
    })) as { ids: string[] }
  ).ids[0]!
  await admin('PUT', `/v1/inventory/${SKU}`, { onHand: 12, asOf: new Date().toISOString() })
  const at = new Date()
  await recordPush(hub.deps.db, listing, { status: 'applied', quantity: 9, at })
  await recordReport(hub.deps.db, listing, { quantity: 7, at, echo: false })
  await recordCheck(hub.deps.db, listing, { quantity: 7, drift: -2, at })
  // What the relay leader does each minute (no workers here): the backlog chart's one point.
  expect(await createBacklogSampler(hub.deps).sample()).toBe(true)
})

describe('the console in a browser', () => {
  it('is refused without the admin token', async () => {
    // Headless, the browser cannot ask for credentials: it gets the 401 and gives up
    // (net::ERR_INVALID_AUTH_CREDENTIALS), showing nothing of the console.
    for (const credentials of [undefined, { username: 'x', password: 'not-it' }]) {
      const page = await browser.page(credentials ? { credentials } : {})
      const answer = page.waitForResponse((r) => r.url() === `${hub.url}/console`)
      await page.goto(`${hub.url}/console`).catch(() => undefined)
      const refused = await answer
      expect(refused.status()).toBe(401)
      expect(refused.headers()['www-authenticate']).toMatch(/^Basic /)
      expect(await refused.text()).not.toContain('data-testid="panel-accounts"')
    }
  })

  it('shows the hub’s numbers in every panel, with nothing the CSP refuses, and refreshes them live', async () => {
    const page = await browser.page({ credentials: OPERATOR })
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    await page.clock.install()
    expect((await page.goto(`${hub.url}/console`))?.status()).toBe(200)

    expect(await cell(page, 'account-shopify-demo', 'accepted')).toBe(await acceptedWebhooks())
    expect(await cell(page, 'account-shopify-demo', 'failed')).toBe('1')
    expect(await cell(page, `subscription-${subscription}`, 'status')).toMatch(/^active/)
    expect(Number(await cell(page, `subscription-${subscription}`, 'pending'))).toBeGreaterThan(0)
    expect(await cell(page, `stock-${listing}`, 'pushed')).toMatch(/^9\b/)
    expect(await cell(page, `stock-${listing}`, 'reported')).toMatch(/^7\b/)
    expect(await cell(page, `stock-${listing}`, 'drift')).toBe('-2')
    for (const chart of ['chart-intake', 'chart-latency', 'chart-backlog'])
      expect(await page.getByTestId(chart).locator('polyline').count(), chart).toBeGreaterThan(0)
    await browser.screenshot(page, 'console-overview')

    // A webhook arrives and waits in the inbox; the page's script shows it at the pipeline
    // panel's next refresh, without a reload.
    const fx = loadFixture('shopify', 'orders-create/basic')
    expect((await postShopify(hub.app, withBody(fx, fx.body, 'browser-live'))).status).toBe(200)
    const { inboxUnprocessed } = await backlogSnapshot(hub.deps.db, hub.deps.clock)
    await page.clock.runFor(6_000)
    await vi.waitFor(
      async () =>
        expect(await page.getByTestId('inbox-backlog').innerText()).toBe(String(inboxUnprocessed)),
      { timeout: 10_000, interval: 100 },
    )
    expect(
      await page.getByTestId('panel-pipeline').getByTestId('panel-status').innerText(),
    ).toMatch(/^updated \d\d:\d\d:\d\d UTC$/)
    expect(problems).toEqual([])
  })

  it('replays a stored webhook through the review and confirm steps, audited', async () => {
    const page = await browser.page({ credentials: OPERATOR })
    await page.goto(`${hub.url}/console/actions/replay-message?inboxId=${waiting}`)
    await page.getByTestId('review').click()
    // The review is the dry run: what the replay will produce, before anything changes.
    await page.getByTestId('confirmation').waitFor()
    expect(await page.getByTestId('predicted-result').innerText()).toBe('applied')
    expect(await inboxStatus(hub.deps, waiting)).toBe('received')
    await browser.screenshot(page, 'console-replay-review')

    await page.getByTestId('confirm').click()
    await page.getByTestId('flash').waitFor()
    expect(await page.getByTestId('flash').innerText()).toMatch(
      new RegExp(`Replayed message #${waiting}: applied, received → normalized`),
    )
    expect(await inboxStatus(hub.deps, waiting)).toBe('normalized')
    const audit = await auditOf('/console/actions/replay-message')
    expect(audit.map((a) => [a.actor, a.status])).toContainEqual(['ops-anna', 200])
  })

  it('pauses a subscriber from the pipeline panel, and names a bad field inline', async () => {
    const paused = await newSubscription()
    const subscriptionStatus = () => statusOfSubscription(paused)
    const page = await browser.page({ credentials: OPERATOR })
    await page.goto(`${hub.url}/console`)
    await page.getByTestId(`pause-${paused}`).click()
    await page.getByTestId('subscription-preview').waitFor()
    expect(await subscriptionStatus()).toBe('active') // reviewing changes nothing
    await page.getByTestId('confirm').click()
    await page.getByTestId('flash').waitFor()
    expect(await subscriptionStatus()).toBe('paused')
    await page.goto(`${hub.url}/console`)
    expect(await cell(page, `subscription-${paused}`, 'status')).toMatch(/^paused/)

    // A subscription id that does not exist: the form again, the field's problem beside it.
    await page.goto(`${hub.url}/console/actions/resume-subscription?subscription=sub_nope`)
    await page.getByTestId('review').click()
    await page.getByTestId('error-subscription').waitFor()
    expect(await page.getByTestId('error-subscription').innerText()).toContain(
      'no subscription has id sub_nope',
    )
    expect(await subscriptionStatus()).toBe('paused')
  })

  it('finds an order and a SKU by the search box and shows their timelines', async () => {
    const page = await browser.page({ credentials: OPERATOR })
    await page.goto(`${hub.url}/console`)
    await page.getByTestId('search-input').fill(ORDER_ID)
    await page.getByTestId('search-submit').click()
    await page.getByTestId('timeline').waitFor()
    expect(page.url()).toBe(`${hub.url}/console/orders/shopify/demo/${ORDER_ID}`)
    const entries = await page.getByTestId('timeline-entry').all()
    const kinds = await Promise.all(entries.map((e) => e.getAttribute('data-kind')))
    expect(kinds[0]).toBe('webhook')
    expect(kinds).toEqual(expect.arrayContaining(['normalization', 'event', 'reservation']))
    await browser.screenshot(page, 'console-order')

    await page.getByTestId('search-input').fill(SKU)
    await page.getByTestId('search-submit').click()
    await page.getByTestId(`explanation-${listing}`).waitFor()
    expect(await page.getByTestId(`explanation-${listing}`).innerText()).toMatch(
      new RegExp(`^${SKU} is \\d+ on walmart`),
    )
    await browser.screenshot(page, 'console-sku')
  })
})

async function statusOfSubscription(id: string): Promise<string> {
  const row = await hub.deps.db
    .selectFrom('subscription')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return row.status
}

const auditOf = (path: string) =>
  hub.deps.db.selectFrom('audit_log').select(['actor', 'status']).where('path', '=', path).execute()
