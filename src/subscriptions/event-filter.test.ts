// De-risks subscription filters: wildcard semantics, and typos refused instead of silently
// matching nothing.
import { describe, expect, it } from 'vitest'
import { matchesAny, matchesEventType, patternProblem } from './event-filter.js'

describe('event type patterns', () => {
  it.each([
    ['order.created.v1', 'order.created.v1', true],
    ['order.created.v1', 'order.updated.v1', false],
    ['order.*', 'order.created.v1', true],
    ['order.*', 'orders.created.v1', false],
    ['order.created.*', 'order.created.v1', true],
    ['order.created.*', 'order.cancelled.v1', false],
    ['*', 'order.returned.v1', true],
  ])('%s matches %s: %s', (pattern, type, expected) => {
    expect(matchesEventType(pattern, type)).toBe(expected)
  })

  it('matches when any pattern does', () => {
    expect(matchesAny(['order.cancelled.v1', 'order.created.*'], 'order.created.v1')).toBe(true)
    expect(matchesAny([], 'order.created.v1')).toBe(false)
  })

  it.each(['order.*', '*', 'order.created.v1', 'order.returned.*'])('accepts %s', (p) => {
    expect(patternProblem(p)).toBeUndefined()
  })

  it.each([
    ['ordr.*', /matches no event type/],
    ['order.created', /matches no event type/],
    ['order.*.v1', /not an event type/],
    ['', /not an event type/],
    ['ORDER.*', /not an event type/],
  ])('refuses %s', (p, problem) => {
    expect(patternProblem(p)).toMatch(problem)
  })
})
