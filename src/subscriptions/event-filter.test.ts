// De-risks subscription filters: wildcard semantics, and typos refused instead of silently
// matching nothing.
import { describe, expect, it } from 'vitest'
import { EVENT_TYPE_CASES } from '../../test/helpers/event-type-cases.js'
import { matchesEventType, patternProblem } from './event-filter.js'

describe('event type patterns', () => {
  it.each(EVENT_TYPE_CASES)('%s matches %s: %s', (pattern, type, expected) => {
    expect(matchesEventType(pattern, type)).toBe(expected)
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
