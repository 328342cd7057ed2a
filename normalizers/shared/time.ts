/** Times as the contract writes them: ISO 8601. */

/** The later of ISO 8601 instants, as ISO 8601 UTC. */
export function latest(first: string, ...others: readonly string[]): string {
  let best = Date.parse(first)
  for (const other of others) best = Math.max(best, Date.parse(other))
  return new Date(best).toISOString()
}
