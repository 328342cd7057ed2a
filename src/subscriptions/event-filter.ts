import { z } from 'zod'
import { EVENT_TYPES } from '../events/index.js'

/**
 * Subscription filters name event types exactly (`order.created.v1`) or end in `*`, which matches
 * any remaining segments: `order.*`, `order.created.*`, or `*` for everything. The relay and the
 * feed match in SQL (`hub_event_type_matches`, migration 0950); this is the same rule, used to
 * validate filters, and a test holds the two to the same answers.
 */
const PATTERN = /^(\*|[a-z_]+(\.[a-z_0-9]+)*(\.\*)?)$/

export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1))
  return pattern === type
}

/** Why a filter pattern is unusable, or undefined if it is fine. A pattern matching no known type is a typo. */
export function patternProblem(pattern: string): string | undefined {
  if (!PATTERN.test(pattern)) return `"${pattern}" is not an event type or a pattern ending in ".*"`
  if (!EVENT_TYPES.some((t) => matchesEventType(pattern, t))) {
    return `"${pattern}" matches no event type (known: ${EVENT_TYPES.join(', ')})`
  }
  return undefined
}

/** Adds `pattern`'s problem, if it has one, to a zod refinement (for the schemas that take filters). */
export function refinePattern(pattern: string, ctx: z.RefinementCtx): void {
  const problem = patternProblem(pattern)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
}

/** A filter as the admin API takes it (subscriptions, consumers): at least one usable pattern. */
export const EventTypePatterns = z
  .array(z.string().superRefine(refinePattern))
  .min(1, 'list at least one event type or pattern, e.g. "order.*"')
