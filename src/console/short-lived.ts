import type { Clock } from '../clock.js'

/**
 * One read shared by every viewer of this process for `ttlMs`: each open console refreshes its
 * panels every few seconds, and the heavier reads (a count over every webhook of a window) must
 * not run once per tab. A failed read is not kept.
 */
export function shortLived<T>(clock: Clock, ttlMs: number, read: () => Promise<T>) {
  let kept: { readonly at: number; readonly value: Promise<T> } | undefined
  return (): Promise<T> => {
    const now = clock.now().getTime()
    if (kept && now - kept.at < ttlMs) return kept.value
    const value = read()
    const entry = { at: now, value }
    kept = entry
    value.catch(() => {
      if (kept === entry) kept = undefined
    })
    return value
  }
}
