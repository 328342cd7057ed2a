/** Small helpers shared by the Walmart mappings. */
export { done, invalid, located, text, type Path } from '../shared/result.js'

/** The later of ISO 8601 UTC instants (as `WalmartTime` produces them). */
export function latest(first: string, ...others: readonly string[]): string {
  let best = Date.parse(first)
  for (const other of others) best = Math.max(best, Date.parse(other))
  return new Date(best).toISOString()
}
