// De-risks the push causes' Redis use with many keys at once (src/tracing/push-causes.ts): a
// relay batch fans the causes of many SKUs out to many listings, and a push takes several
// listings' causes in one go. On a Redis Cluster those keys sit in different slots, where one
// MULTI or pipeline over all of them is refused, so this file runs in both integration projects.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPushCauses } from '../../src/tracing/push-causes.js'
import { deleteKeys } from '../helpers/hub.js'
import { testRedis } from '../helpers/redis.js'

const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
const redis = testRedis({ maxRetriesPerRequest: 1 })
afterAll(async () => {
  redis.disconnect()
  await deleteKeys(prefix)
})

const traceparent = () =>
  `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`

describe('push causes over many SKUs and listings', () => {
  it('moves every SKU cause to each of its listings, and a push takes them once', async () => {
    const causes = createPushCauses(redis, prefix)
    const skus = Array.from({ length: 20 }, (_, i) => `sku-${i}`)
    const noted = skus.map((sku) => ({ skus: [sku], cause: { traceparent: traceparent() } }))
    causes.note(noted)
    // note() is sent without waiting: the last SKU's list shows it has arrived.
    await expect
      .poll(() => redis.llen(`${prefix}:trace-causes:sku:${skus.at(-1)}`), { timeout: 5_000 })
      .toBe(1)

    const listings = skus.flatMap((sku, i) => [
      { id: `${i}-a`, sku },
      { id: `${i}-b`, sku },
    ])
    await causes.fanOut(listings)

    const first = await causes.take(listings.filter((l) => l.id.endsWith('-a')).map((l) => l.id))
    expect(first.map((l) => l.context.traceId).sort()).toEqual(
      noted.map((n) => n.cause.traceparent.split('-')[1]).sort(),
    )
    // Taken once: the same listings have nothing left; their siblings still have theirs.
    expect(await causes.take(listings.filter((l) => l.id.endsWith('-a')).map((l) => l.id))).toEqual(
      [],
    )
    expect(
      await causes.take(listings.filter((l) => l.id.endsWith('-b')).map((l) => l.id)),
    ).toHaveLength(skus.length)
  })
})
