/** How the console writes times, ages and numbers: UTC everywhere, as the logs and the API. */

/** `14:03:07` (UTC). */
export function clock(at: Date): string {
  return at.toISOString().slice(11, 19)
}

/** `2026-12-05 14:03:07 UTC`; `never` for none. */
export function stamp(at: Date | null | undefined): string {
  return at ? `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'never'
}

/** A duration in seconds as people read it: `42s`, `3m 12s`, `5h 02m`, `2d 3h`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3_600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  if (s < 86_400)
    return `${Math.floor(s / 3_600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`
  return `${Math.floor(s / 86_400)}d ${Math.floor(s / 3_600) % 24}h`
}

/** How long before `now` `at` was: `3m 12s ago`, or `never`. */
export function ago(at: Date | null | undefined, now: Date): string {
  return at ? `${duration((now.getTime() - at.getTime()) / 1000)} ago` : 'never'
}

/** A count or rate with at most one decimal, `–` for none. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}
