// Issue 13 item 6: with production configuration (an accounts file, not the sandbox), subscriber
// URLs on loopback, private and other internal addresses are refused at creation with a 400
// naming the URL and the rule, and a subscription that reaches one anyway (its name resolved
// elsewhere when it was created) gets failed delivery attempts saying why, never a request.
// SUBSCRIBER_ALLOWED_HOSTS opens exactly what it lists.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { insertSubscription } from '../../../src/db/repos/subscriptions.js'
import { generateSecret } from '../../../src/delivery/sign.js'
import { loadFixture } from '../../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../../helpers/hub.js'
import { useReceiver } from '../../helpers/receiver.js'
import { postShopify, SANDBOX_SHOPIFY_SECRET } from '../../helpers/shopify-webhooks.js'

// A production-shaped configuration: one Shopify account from an accounts file.
const accountsFile = join(mkdtempSync(join(tmpdir(), 'hub-destinations-')), 'accounts.yaml')
writeFileSync(
  accountsFile,
  `accounts:\n  - channel: shopify\n    id: demo\n    webhookSecrets: [${SANDBOX_SHOPIFY_SECRET}]\n`,
)

const hub = useTestHub({
  workers: true,
  env: { HUB_CONFIG: accountsFile, DELIVERY_MAX_ATTEMPTS: '1' },
})
const allowing = useTestHub({
  env: { HUB_CONFIG: accountsFile, SUBSCRIBER_ALLOWED_HOSTS: '127.0.0.1, 192.168.50.0/24' },
})
const receiver = useReceiver()

const create = (app: typeof hub.app, url: string) =>
  app.request('/v1/subscriptions', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes: ['order.*'] }),
  })

const storedUrls = async (h: typeof hub) =>
  (await h.deps.db.selectFrom('subscription').select('url').execute()).map((r) => r.url)

describe('subscriber URLs in production configuration', () => {
  it('runs configured, not in sandbox mode', () => {
    expect(hub.config.mode).toBe('configured')
  })

  it.each([
    ['http://127.0.0.1:9/hook', 'loopback'],
    ['http://localhost:9/hook', 'loopback'],
    ['http://[::1]:9/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://0x7f.0.0.1/hook', 'loopback'],
    ['http://10.0.0.5/hook', 'private'],
    ['http://172.16.3.4/hook', 'private'],
    ['https://192.168.1.20/hook', 'private'],
    ['http://100.64.12.1/hook', 'shared'],
    ['http://[fd12:3456::1]/hook', 'unique-local'],
    ['http://0.0.0.0:8080/hook', 'unspecified'],
    ['http://224.0.0.251/hook', 'multicast'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://100.100.100.200/', 'metadata'],
  ])(
    'refuses %s (%s) with a 400 naming the URL and the rule, storing nothing',
    async (url, rule) => {
      const res = await create(hub.app, url)
      expect(res.status).toBe(400)
      const { problems } = (await res.json()) as { problems: string[] }
      expect(problems).toHaveLength(1)
      expect(problems[0]).toContain(`body.url: ${url} refused`)
      expect(problems[0]).toContain(`rule: ${rule}`)
      expect(await storedUrls(hub)).not.toContain(url)
    },
  )

  it('accepts public hosts', async () => {
    expect((await create(hub.app, 'https://oms.example.com/hooks')).status).toBe(201)
  })

  it('refuses at delivery time too: the attempt fails with the reason and nothing is sent', async () => {
    // As if created while its name pointed elsewhere: the row is there, the address is loopback.
    // The receiver also serves the SUBSCRIBER_ALLOWED_HOSTS test, which may have run first.
    const receivedBefore = receiver.received.length
    const sub = await insertSubscription(hub.deps.db, {
      id: 'sub_rebound',
      url: receiver.url,
      eventTypes: ['order.*'],
      secret: generateSecret(),
      description: null,
    })
    expect((await postShopify(hub.app, loadFixture('shopify', 'orders-create/basic'))).status).toBe(
      200,
    )
    const delivery = await vi.waitFor(
      async () => {
        const row = await hub.deps.db
          .selectFrom('delivery')
          .selectAll()
          .where('subscription_id', '=', sub.id)
          .executeTakeFirstOrThrow()
        expect(row.status).toBe('failed')
        return row
      },
      { timeout: 20_000, interval: 100 },
    )
    expect(delivery.last_error).toMatch(/127\.0\.0\.1 is a loopback address \(rule: loopback\)/)
    const attempts = await hub.deps.db
      .selectFrom('delivery_attempt')
      .select(['status_code', 'error'])
      .where('delivery_id', '=', delivery.id)
      .execute()
    expect(attempts).toEqual([
      { status_code: null, error: expect.stringMatching(/rule: loopback/) as unknown },
    ])
    expect(receiver.received.slice(receivedBefore)).toEqual([])
    // The hub still serves.
    expect((await hub.app.request('/v1/subscriptions', { headers: ADMIN })).status).toBe(200)
  })
})

describe('SUBSCRIBER_ALLOWED_HOSTS', () => {
  it('opens exactly the hosts and ranges listed, at creation and for delivery', async () => {
    const receivedBefore = receiver.received.length
    expect((await create(allowing.app, receiver.url)).status).toBe(201)
    expect((await create(allowing.app, 'http://192.168.50.7/hook')).status).toBe(201)
    const unlisted = await create(allowing.app, 'http://192.168.51.7/hook')
    expect(unlisted.status).toBe(400)
    expect(await unlisted.text()).toContain('rule: private')
    expect(await storedUrls(allowing)).toEqual([receiver.url, 'http://192.168.50.7/hook'])

    // The delivery transport follows the same list: the allowed receiver is reached.
    const res = await allowing.deps.subscriberTransport(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 5_000,
    })
    expect(res.status).toBe(200)
    await res.text(100)
    expect(receiver.received.slice(receivedBefore)).toHaveLength(1)
  })
})
