/** The helpers the TikTok Shop mappings share, and TikTok's own: its times are Unix seconds. */
export { minorAt } from '../shared/money.js'
export { done, invalid, located, text, type Path } from '../shared/result.js'

/** TikTok times are Unix seconds; the contract wants ISO 8601 (UTC here). */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}
