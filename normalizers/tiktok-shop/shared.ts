/** Small helpers shared by the TikTok Shop mappings. */
import { toMinorUnits } from '../shared/money.js'
import { located, type Path } from '../shared/result.js'

export { done, invalid, located, text, type Path } from '../shared/result.js'

/** TikTok times are Unix seconds; the contract wants ISO 8601 (UTC here). */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}

/** A decimal string in minor units; a bad amount is reported at `path`. */
export function minor(value: string, currency: string, path: Path): number {
  return located(path, () => toMinorUnits(value, currency))
}
