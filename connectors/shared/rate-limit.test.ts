// De-risks the client-side usage plan: a burst passes at once, the steady rate is kept after it,
// and a caller is never parked for longer than the cap (it gets a rate-limited error instead).
import { describe, expect, it } from 'vitest'
import { ChannelApiError } from './api-error.js'
import { TokenBucket } from './rate-limit.js'

function bucket(perSecond: number, burst: number, maxWaitMs = 2_000) {
  let now = 0
  const waits: number[] = []
  const clock = { now: () => new Date(now) }
  const sleep = (ms: number) => {
    waits.push(ms)
    now += ms
    return Promise.resolve()
  }
  return {
    bucket: new TokenBucket({ perSecond, burst }, clock, maxWaitMs, sleep),
    waits,
    advance: (ms: number) => (now += ms),
  }
}

describe('TokenBucket', () => {
  it('lets a full burst through without waiting, then paces at the steady rate', async () => {
    const { bucket: b, waits } = bucket(5, 5)
    for (let i = 0; i < 5; i++) await b.take('op')
    expect(waits).toEqual([])
    await b.take('op')
    await b.take('op')
    expect(waits).toEqual([200, 200])
  })

  it('refills with time and never beyond the burst', async () => {
    const { bucket: b, waits, advance } = bucket(1, 2)
    await b.take('op')
    await b.take('op')
    advance(60_000)
    await b.take('op')
    await b.take('op')
    expect(waits).toEqual([])
    await b.take('op')
    expect(waits).toEqual([1_000])
  })

  it('refuses with the wait when the wait is longer than the cap', async () => {
    const { bucket: b } = bucket(0.5, 1, 1_000)
    await b.take('getOrder')
    const err = await b.take('getOrder').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChannelApiError)
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 2_000 } })
  })
})
