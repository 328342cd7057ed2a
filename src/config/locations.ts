import { z } from 'zod'
import { formatIssues } from '../issues.js'

/**
 * The location every hub has: where a SKU's stock is when nothing names another, and where
 * stock recorded before locations existed was moved (migration 2026-12-02T0930_stock-locations).
 */
export const DEFAULT_LOCATION = 'default'

const LocationName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "-" and "_", at most 63')

/**
 * One entry of the accounts file's `locations`: a name, or a name with the ids channels use for
 * the same place on order lines (a Shopify location id, a Walmart ship node, a TikTok warehouse
 * id), so an order's reservation lands there.
 */
export const LocationEntry = z.union([
  LocationName,
  z.object({ name: LocationName, channelIds: z.array(z.string().min(1)).default([]) }).strict(),
])
export type LocationEntry = z.infer<typeof LocationEntry>

/** The configured locations, looked up without touching the database. */
export interface LocationDirectory {
  /** Every location's name, `default` first, then in the file's order. */
  readonly names: readonly string[]
  has(name: string): boolean
  /**
   * The hub location an order line's location means: a location of that name, else the one that
   * lists it among its `channelIds`; undefined when none does.
   */
  resolve(named: string): string | undefined
}

/**
 * Validates the `locations` entries (each problem names its entry) and builds the directory;
 * `default` is always a location, whether listed or not.
 */
export function parseLocations(entries: readonly unknown[]): {
  locations: LocationDirectory
  problems: string[]
} {
  const problems: string[] = []
  const names = [DEFAULT_LOCATION]
  const listed = new Set<string>()
  const byChannelId = new Map<string, string>()
  entries.forEach((entry, i) => {
    const at = `locations[${i}]`
    const parsed = LocationEntry.safeParse(entry)
    if (!parsed.success) return void problems.push(...formatIssues(parsed.error, at))
    const { name, channelIds } =
      typeof parsed.data === 'string' ? { name: parsed.data, channelIds: [] } : parsed.data
    if (listed.has(name)) return void problems.push(`${at}: duplicate location "${name}"`)
    listed.add(name)
    if (name !== DEFAULT_LOCATION) names.push(name)
    for (const id of channelIds) {
      const other = byChannelId.get(id)
      if (other !== undefined)
        problems.push(`${at}.channelIds: "${id}" is already a channel id of location "${other}"`)
      else byChannelId.set(id, name)
    }
  })
  return { locations: locationDirectory(names, byChannelId), problems }
}

function locationDirectory(
  names: readonly string[],
  byChannelId: ReadonlyMap<string, string>,
): LocationDirectory {
  const known = new Set(names)
  return {
    names,
    has: (name) => known.has(name),
    resolve: (named) => (known.has(named) ? named : byChannelId.get(named)),
  }
}

/** A hub with no `locations` in its accounts file (and the sandbox): `default` alone. */
export const DEFAULT_LOCATIONS: LocationDirectory = parseLocations([]).locations
