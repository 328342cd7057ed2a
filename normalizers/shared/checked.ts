import { z } from 'zod'
import {
  InventoryReported,
  ListingStatusChanged,
  OrderReturned,
  OrderSnapshot,
} from '../../src/events/index.js'
import type { NormalizeResult, Observation } from '../types.js'
import { done, invalid } from './result.js'

const IsoTime = z.iso.datetime({ offset: true })

const SubscriptionConfirmed = z.object({
  occurredAt: IsoTime,
  topic: z.string().min(1),
  subscriptionId: z.string().min(1).nullable(),
})

const AccountAuthorization = z.object({ occurredAt: IsoTime, message: z.string() })

/**
 * Every observation checked against the event contract before it leaves a normalizer: a mapping
 * bug becomes an `invalid` result (the message is kept, marked failed, replayable after a fix)
 * instead of an event subscribers cannot parse. The first failure decides.
 */
export function checkedAgainstContract(result: NormalizeResult): NormalizeResult {
  if (result.kind !== 'observations') return result
  const out: Observation[] = []
  for (const observation of result.observations) {
    const problem = contractProblem(observation)
    if (problem) return invalid(problem.issues, [problem.at])
    out.push(observation)
  }
  return done(out)
}

function contractProblem(
  observation: Observation,
): { readonly at: string; readonly issues: readonly z.core.$ZodIssue[] } | undefined {
  const check = (at: string, schema: z.ZodType, value: unknown) => {
    const parsed = schema.safeParse(value)
    return parsed.success ? undefined : { at, issues: parsed.error.issues }
  }
  switch (observation.kind) {
    case 'order':
      return check('snapshot', OrderSnapshot, observation.snapshot)
    case 'order-return':
      return (
        check('return', OrderReturned.shape.data, observation.data) ??
        check('return', IsoTime, observation.occurredAt)
      )
    case 'inventory-level':
      return (
        check('inventory', InventoryReported.shape.data, observation.data) ??
        check('inventory', IsoTime, observation.occurredAt)
      )
    case 'listing-status':
      return (
        check('listing', ListingStatusChanged.shape.data, observation.data) ??
        check('listing', IsoTime, observation.occurredAt)
      )
    case 'subscription-confirmed':
      return check('subscription', SubscriptionConfirmed, observation)
    case 'account-authorization':
      return check('authorization', AccountAuthorization, observation)
  }
}
