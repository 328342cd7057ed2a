// De-risks the one wording of channel call errors: the message names channel, operation and API,
// a refusal carries status and code, and only a rate-limited one carries a wait (Retry-After, else
// the call's fallback, else the channel's default); and the shared HTTP status table.
import { describe, expect, it } from 'vitest'
import { ChannelApiError } from './api-error.js'
import { callErrors, httpStatusKind } from './call-errors.js'

const clock = { now: () => new Date('2026-11-22T12:00:00Z') }
const call = { operation: 'get orders', method: 'GET', api: '/orders/{id}' }
const { fail, refused } = callErrors('Shop', clock, 1_500)

describe('callErrors', () => {
  it('names the channel, operation and API, and keeps the cause', () => {
    const cause = new Error('socket hang up')
    const err = fail('transient', call, 'request failed', {}, cause)
    expect(err).toBeInstanceOf(ChannelApiError)
    expect(err.message).toBe('Shop get orders (GET /orders/{id}): request failed')
    expect(err.cause).toBe(cause)
    expect(fail('permanent', call, 'x')).not.toHaveProperty('cause')
  })

  it('words a refusal by its kind and carries status and code', () => {
    const err = refused(call, { kind: 'permanent', status: 400, code: 'E1', summary: 'HTTP 400' })
    expect(err.message).toBe('Shop get orders (GET /orders/{id}): refused (HTTP 400)')
    expect(err.details).toEqual({ status: 400, code: 'E1' })
    expect(refused(call, { kind: 'transient', status: 503, summary: 's' }).message).toMatch(
      /: failed \(s\)$/,
    )
    const custom = refused(call, { kind: 'transient', status: 404, summary: 's', what: 'not yet' })
    expect(custom.message).toMatch(/: not yet \(s\)$/)
    expect(custom.details).toEqual({ status: 404 })
  })

  it('gives a rate-limited refusal the Retry-After wait, else the default', () => {
    const asked = refused(call, {
      kind: 'rate-limited',
      status: 429,
      retryAfter: '7',
      summary: 'HTTP 429',
    })
    expect(asked.message).toMatch(/: rate limited \(HTTP 429\)$/)
    expect(asked.details).toEqual({ status: 429, retryAfterMs: 7_000 })
    const unasked = refused(call, { kind: 'rate-limited', status: 200, summary: 's', code: 'R' })
    expect(unasked.details).toEqual({ status: 200, code: 'R', retryAfterMs: 1_500 })
    const ignored = refused(call, { kind: 'transient', status: 503, retryAfter: '7', summary: 's' })
    expect(ignored.details).toEqual({ status: 503 })
  })

  it("takes the call's fallback wait over the default, and Retry-After over both", () => {
    const base = { kind: 'rate-limited', status: 429, summary: 's', fallbackWaitMs: 4_000 } as const
    expect(refused(call, base).details.retryAfterMs).toBe(4_000)
    expect(refused(call, { ...base, retryAfter: '7' }).details.retryAfterMs).toBe(7_000)
  })
})

describe('httpStatusKind', () => {
  it.each([
    [429, false, 'rate-limited'],
    [500, false, 'transient'],
    [503, false, 'transient'],
    [408, false, 'transient'],
    [401, false, 'unauthorized'],
    [403, false, 'unauthorized'],
    [404, false, 'permanent'],
    [404, true, 'transient'],
    [400, true, 'permanent'],
    [409, false, 'permanent'],
  ] as const)('HTTP %i (404 not visible yet: %s) → %s', (status, notFoundIsTransient, kind) => {
    expect(httpStatusKind(status, notFoundIsTransient)).toBe(kind)
  })
})
