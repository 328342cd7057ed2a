/**
 * Keeps a flood of identical refusals from flooding the log: `first(key)` is true for the first
 * occurrence of a key in each interval, with how many were passed over since the last logged one.
 * Per process; the metrics count every occurrence.
 */
export function createLogSampler(intervalMs: number, maxKeys = 10_000) {
  const seen = new Map<string, { until: number; skipped: number }>()
  return {
    first(key: string, now = Date.now()): { log: boolean; skipped: number } {
      const entry = seen.get(key)
      if (entry && entry.until > now) {
        entry.skipped += 1
        return { log: false, skipped: entry.skipped }
      }
      // A flood of distinct keys (addresses) forgets the oldest rather than growing without bound.
      if (!entry && seen.size >= maxKeys) seen.delete(seen.keys().next().value!)
      seen.delete(key)
      seen.set(key, { until: now + intervalMs, skipped: 0 })
      return { log: true, skipped: entry?.skipped ?? 0 }
    },
  }
}
