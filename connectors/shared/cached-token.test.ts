// De-risks the shared access-token cache: renewal time (margin, capped at half the lifetime,
// counted from the request), one renewal for concurrent callers, a failed renewal shared and then
// retried, and invalidation that never throws away a token another caller already replaced.
import { describe, expect, it } from 'vitest'
import { cachedToken, type IssuedToken } from './cached-token.js'

function setup(lifetimeS = 3_600, marginMs = 60_000) {
  let now = 0
  let issued = 0
  let answer: (() => Promise<IssuedToken>) | undefined
  const cache = cachedToken({
    clock: { now: () => new Date(now) },
    refreshMarginMs: marginMs,
    remember: 2,
    issue: () => {
      issued += 1
      return answer?.() ?? Promise.resolve({ value: `t${issued}`, expiresInSeconds: lifetimeS })
    },
  })
  return {
    cache,
    issued: () => issued,
    advance: (ms: number) => (now += ms),
    answerWith: (fn: (() => Promise<IssuedToken>) | undefined) => (answer = fn),
  }
}

describe('cachedToken', () => {
  it('reuses a token until the margin before expiry', async () => {
    const { cache, advance, issued } = setup()
    expect(await cache.get()).toBe('t1')
    advance(3_539_999)
    expect(await cache.get()).toBe('t1')
    advance(1)
    expect(await cache.get()).toBe('t2')
    expect(issued()).toBe(2)
  })

  it('renews a short-lived token at half its lifetime', async () => {
    const { cache, advance } = setup(60)
    await cache.get()
    advance(29_999)
    expect(await cache.get()).toBe('t1')
    advance(1)
    expect(await cache.get()).toBe('t2')
  })

  it('counts the lifetime from when the token was asked for', async () => {
    const { cache, advance, answerWith } = setup(120, 0)
    answerWith(() => {
      advance(10_000) // a slow answer
      return Promise.resolve({ value: 'slow', expiresInSeconds: 120 })
    })
    await cache.get()
    answerWith(undefined)
    advance(109_999)
    expect(await cache.get()).toBe('slow')
    advance(1)
    expect(await cache.get()).not.toBe('slow')
  })

  it('shares one renewal, and its failure, between concurrent callers; the next call asks again', async () => {
    const { cache, issued, answerWith } = setup()
    answerWith(() => Promise.reject(new Error('down')))
    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(issued()).toBe(1)
    answerWith(undefined)
    expect(await Promise.all([cache.get(), cache.get()])).toEqual(['t2', 't2'])
    expect(issued()).toBe(2)
  })

  it('invalidate drops the token it names, never a newer one', async () => {
    const { cache } = setup()
    const first = await cache.get()
    cache.invalidate(first)
    const second = await cache.get()
    expect(second).toBe('t2')
    cache.invalidate(first) // a late refusal of the old token
    expect(await cache.get()).toBe('t2')
  })

  it('lists the latest tokens, newest first, up to `remember`', async () => {
    const { cache } = setup()
    for (let i = 0; i < 3; i++) cache.invalidate(await cache.get())
    expect(cache.recent()).toEqual(['t3', 't2'])
  })
})
