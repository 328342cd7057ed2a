// De-risks normalizing a webhook in the process that received it (role all, issue #12): a webhook
// normalized there never becomes a job; anything it cannot settle becomes an ordinary job (so the
// failed set and retries still show it); and a webhook taken in memory and lost with the process is
// still normalized, by the sweeper's job. Real ingress, PostgreSQL, Redis and workers.
import { describe, expect, it, vi } from 'vitest'
import { createNormalizeHandoff } from '../../src/pipeline/normalize-handoff.js'
import type { BatchResult } from '../../src/pipeline/normalize-batch.js'
import { jobIds, type InboundMessage } from '../../src/queues/index.js'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { inboxStatus } from '../helpers/pipeline.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

// Short enough that the lost-message test does not wait long for the sweeper, long enough that a
// webhook being normalized in process on a busy machine is not also queued by it.
const hub = useTestHub({ env: { SWEEP_GRACE_MS: '2000' } })
const created = loadFixture('shopify', 'orders-create/basic')
const invalid = loadFixture('shopify', 'orders-create/invalid-missing-price')
const orderId = String((JSON.parse(created.body) as { id: number }).id)

async function post(n: number): Promise<string> {
  const fx = withBody(
    created,
    created.body.replaceAll(orderId, String(7300000000000 + n)),
    `ho-${n}`,
  )
  const res = await postShopify(hub.app, fx)
  expect(res.status).toBe(200)
  return ((await res.json()) as { id: string }).id
}

const status = (id: string) => inboxStatus(hub.deps, id)

const job = (id: string) => hub.deps.queues.inbound.getJob(jobIds.inbound(id))

describe('normalizing in the process that received the webhook', () => {
  it('normalizes it without a queue round trip: no job is ever created', async () => {
    hub.startWorkers()
    try {
      const ids = await Promise.all([1, 2, 3].map(post))
      for (const id of ids)
        await vi.waitFor(async () => expect(await status(id)).toBe('normalized'))
      for (const id of ids) expect(await job(id)).toBeUndefined()
    } finally {
      await hub.stopWorkers()
    }
  })

  it('queues what it cannot settle, so it lands in the failed set as any job would', async () => {
    hub.startWorkers()
    try {
      const res = await postShopify(hub.app, withBody(invalid, invalid.body, 'ho-invalid'))
      const { id } = (await res.json()) as { id: string }
      await vi.waitFor(async () => expect(await (await job(id))?.getState()).toBe('failed'), {
        timeout: 10_000,
      })
      expect(await status(id)).toBe('failed')
    } finally {
      await hub.stopWorkers()
    }
  })

  it('queues what exceeds its in-flight budget at once, and takes the rest', () => {
    const never = {
      submit: () => new Promise<BatchResult>(() => undefined),
      drain: () => Promise.resolve(),
    }
    const handoff = createNormalizeHandoff(hub.deps, never, { maxInFlight: 2 })
    const messages = [1, 2, 3].map((n) => ({ inboxId: String(n) }) as InboundMessage)
    expect(handoff.take(messages).map((m) => m.inboxId)).toEqual(['3'])
    expect(handoff.take(messages).map((m) => m.inboxId)).toEqual(['1', '2', '3'])
  })

  it('leaves a webhook lost with the process to the sweeper, which queues and normalizes it', async () => {
    // A process that took the webhook in memory and died before normalizing it.
    hub.deps.intake.handOffTo({ take: () => [], drain: () => Promise.resolve() })
    const id = await post(9)
    hub.deps.intake.handOffTo(undefined)
    expect(await job(id)).toBeUndefined()
    expect(await status(id)).toBe('received')

    hub.startWorkers() // another process's sweeper and workers
    try {
      await vi.waitFor(async () => expect(await status(id)).toBe('normalized'), { timeout: 10_000 })
    } finally {
      await hub.stopWorkers()
    }
  })
})
