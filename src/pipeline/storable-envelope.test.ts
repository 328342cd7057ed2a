// The intake's per-field decision: a webhook id or type PostgreSQL cannot store must never reach
// the intake batch as is (it failed the whole batch with 503), and a resend must stay a duplicate.
import { describe, expect, it } from 'vitest'
import { storableEnvelope } from './storable-envelope.js'

const base = { ok: true, dedupeKey: 'id-1', topic: 'orders/create' } as const

describe('storableEnvelope', () => {
  it('passes an ordinary envelope through unchanged', () => {
    const at = new Date('2026-01-01T00:00:00Z')
    expect(storableEnvelope({ ...base, channelTime: at })).toEqual({
      dedupeKey: 'id-1',
      topic: 'orders/create',
      channelTime: at,
    })
  })

  it('digests an id holding NUL, deterministically, and marks the message failed', () => {
    const a = storableEnvelope({ ...base, dedupeKey: 'x\u0000y' })
    const b = storableEnvelope({ ...base, dedupeKey: 'x\u0000y' })
    expect(a.dedupeKey).toMatch(/^id-sha256:[0-9a-f]{64}$/)
    expect(a.dedupeKey).toBe(b.dedupeKey)
    expect(a.failure).toMatch(/id contains U\+0000/)
  })

  it('digests an over-long id without failing the message', () => {
    const out = storableEnvelope({ ...base, dedupeKey: 'x'.repeat(600) })
    expect(out.dedupeKey).toMatch(/^id-sha256:/)
    expect(out.failure).toBeUndefined()
  })

  it('makes a NUL in the topic visible and marks the message failed', () => {
    const out = storableEnvelope({ ...base, topic: 'A\u0000B' })
    expect(out.topic).toBe('A\u2400B')
    expect(out.failure).toMatch(/event type contains U\+0000/)
  })

  it('leaves out a channel time PostgreSQL cannot hold', () => {
    expect(storableEnvelope({ ...base, channelTime: new Date(NaN) }).channelTime).toBeUndefined()
    const yearZero = new Date('0000-06-01T00:00:00Z')
    expect(storableEnvelope({ ...base, channelTime: yearZero }).channelTime).toBeUndefined()
  })
})
