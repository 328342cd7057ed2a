/**
 * Which kind of work an API call serves, so an account's shared budget (src/budget/) can serve
 * urgent work first: stock pushes and hydration of orders a webhook announced before polling,
 * reconciliation and backfill. The lane travels with the async call chain (AsyncLocalStorage), so
 * the pipeline names it once around a step and the connectors' API calls need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** Highest priority first. */
export const LANES = ['push', 'hydrate', 'poll', 'reconcile', 'backfill'] as const
export type Lane = (typeof LANES)[number]

const current = new AsyncLocalStorage<Lane>()

/** Runs `work` with its API calls counted in `lane`. */
export function inLane<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
  return current.run(lane, work)
}

/** The lane of the calling work; `hydrate` when none was named (a webhook's order being read). */
export function currentLane(): Lane {
  return current.getStore() ?? 'hydrate'
}
