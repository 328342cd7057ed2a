// De-risks reading Retry-After in both of its forms.
import { describe, expect, it } from 'vitest'
import { retryAfterMs } from './retry-after.js'

const now = new Date('2026-11-22T12:00:00Z')

describe('retryAfterMs', () => {
  it('reads delay-seconds', () => expect(retryAfterMs('120', now)).toBe(120_000))
  it('reads an HTTP-date', () =>
    expect(retryAfterMs('Sun, 22 Nov 2026 12:00:30 GMT', now)).toBe(30_000))
  it('never goes negative', () =>
    expect(retryAfterMs('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(0))
  it('ignores absent or unreadable values', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
    expect(retryAfterMs('-5', now)).toBeUndefined()
  })
})
