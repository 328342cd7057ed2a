// De-risks the retry schedule: attempts are numbered from the one a job continues, backoff grows
// with jitter within its cap, Retry-After is a floor.
import type { MinimalJob } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { RetryLaterError } from '../src/errors.js'
import { attemptOf, hubBackoff } from './attempts.js'

const job = (delay: number) =>
  ({ opts: { backoff: { type: 'hub', delay } } }) as unknown as MinimalJob

describe('attempts', () => {
  it('numbers attempts from 1 and knows the last one', () => {
    expect(attemptOf({ attemptsMade: 0, opts: { attempts: 3 } })).toEqual({
      number: 1,
      final: false,
    })
    expect(attemptOf({ attemptsMade: 2, opts: { attempts: 3 } })).toEqual({
      number: 3,
      final: true,
    })
  })
})

describe('hub backoff', () => {
  it('doubles per attempt between half and all of the ceiling, up to the cap', () => {
    const low = hubBackoff(10_000, () => 0)
    const high = hubBackoff(10_000, () => 1)
    expect([1, 2, 3, 4].map((n) => low(n, 'hub', new Error(), job(1_000)))).toEqual([
      500, 1_000, 2_000, 4_000,
    ])
    expect([1, 2, 3, 4].map((n) => high(n, 'hub', new Error(), job(1_000)))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ])
    expect(high(20, 'hub', new Error(), job(1_000))).toBe(10_000)
  })

  it('never retries sooner than Retry-After', () => {
    const backoff = hubBackoff(10_000, () => 0)
    expect(backoff(1, 'hub', new RetryLaterError('429', 30_000), job(1_000))).toBe(30_000)
    expect(backoff(1, 'hub', new RetryLaterError('503', undefined), job(1_000))).toBe(500)
  })
})

describe('a job that continues attempts made before it existed', () => {
  // The relay makes a delivery's first attempt itself and queues only the retry, from attempt 2.
  const retry = (attemptsMade: number) => ({
    attemptsMade,
    opts: { attempts: 4, backoff: { type: 'hub', delay: 1_000 } },
    data: { deliveryId: '7', firstAttempt: 2 },
  })

  it('numbers its runs from the attempt it continues, and ends with the last one allowed', () => {
    expect(attemptOf(retry(0))).toEqual({ number: 2, final: false })
    expect(attemptOf(retry(3))).toEqual({ number: 5, final: true })
  })

  it('backs off as if every earlier attempt had been its own', () => {
    const backoff = hubBackoff(60_000, () => 1)
    const asJob = (n: number) => retry(n) as unknown as MinimalJob
    // After attempt 2 failed (its first run): the delay of a second failure, not a first.
    expect(backoff(1, 'hub', new Error(), asJob(1))).toBe(2_000)
    expect(backoff(2, 'hub', new Error(), asJob(2))).toBe(4_000)
  })
})
