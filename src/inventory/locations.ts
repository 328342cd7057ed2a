import type { Kysely } from 'kysely'
import { DEFAULT_LOCATION, type LocationDirectory } from '../config/locations.js'
import type { LocationLevel } from '../db/repos/inventory.js'
import {
  readSkuLocationRows,
  type LocationListing,
  type LocationReservation,
} from '../db/repos/locations.js'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'

/** One location's stock of a SKU, as `GET /v1/inventory/:sku` shows it and pushes use it. */
export interface LocationStockLevel {
  readonly location: string
  readonly onHand: number
  readonly onHandAsOf: Date | null
  /** The SKU's live reservations that land here (see {@link placeReservations}). */
  readonly reserved: number
}

/** A SKU's stock per location, with its totals as the ledger row holds them. */
export interface LocationStock {
  /** The SKU's available-to-sell (`inventory_item.ats`): no listing is offered more. */
  readonly ats: number
  readonly safetyStock: number
  /** By name. */
  readonly levels: readonly LocationStockLevel[]
}

/**
 * What a listing that draws from `listingLocations` may be offered before its policy: the
 * on-hand less reserved of those locations, less the SKU's safety stock (all of it: it protects
 * the SKU, and a subset cannot need less), and never more than the SKU's ats. A location's
 * reservations beyond its on-hand count against the others of the set (those orders ship from
 * somewhere). `null` (the listing draws from all of the SKU's locations): exactly the SKU's ats,
 * as before locations. Pure; the push path applies the listing's policy to the result.
 */
export function listingAvailable(
  stock: LocationStock,
  listingLocations: readonly string[] | null,
): number {
  if (listingLocations === null) return stock.ats
  const set = new Set(listingLocations)
  let free = 0
  for (const level of stock.levels)
    if (set.has(level.location)) free += level.onHand - level.reserved
  return Math.max(0, Math.min(stock.ats, free - stock.safetyStock))
}

/**
 * Whether a listing's stock is held by the channel itself, so the hub never pushes to it: an
 * Amazon unit at an Amazon fulfillment network (FBA). Its `fulfillmentChannelCode` is `AMAZON`
 * (the code FBA stock reports carry, normalizers/amazon/listing.ts) or `AMAZON_<region>`
 * (AMAZON_NA, AMAZON_EU, …); Amazon owns that quantity and reports it (channels.md §2 B1,
 * "FBA quantity is Amazon's"). Derived from the unit rather than a flag, so a listing cannot say
 * one thing while its unit says another. Such a listing's reported quantity is shown, never
 * counted in on-hand.
 */
export function isChannelHeld(listing: {
  readonly channel: ChannelId
  readonly unit: Readonly<Record<string, unknown>>
}): boolean {
  if (listing.channel !== 'amazon') return false
  const code = listing.unit.fulfillmentChannelCode
  return typeof code === 'string' && (code === 'AMAZON' || code.startsWith('AMAZON_'))
}

/**
 * Where a SKU's live reservations land, per location:
 * - a reservation whose order line names a location (a hub location, or one of its `channelIds`)
 *   lands there;
 * - any other (the channel names none, or one the configuration does not know) is placed by rule:
 *   among the locations its channel account's listings of the SKU draw from (all of the SKU's
 *   locations when a listing draws from all, or when there is no listing; channel-held listings
 *   draw from none of the hub's), each unit goes where the most is available then (on-hand less
 *   what has landed there), ties to the first name. Named ones are placed first, then the others
 *   by channel and account. Pure, and decided from the stored rows alone, so every read agrees.
 */
export function placeReservations(
  levels: ReadonlyMap<string, LocationLevel>,
  reservations: readonly LocationReservation[],
  listings: readonly LocationListing[],
  directory: LocationDirectory,
): Map<string, number> {
  const all = levels.size > 0 ? [...levels.keys()] : [DEFAULT_LOCATION]
  const reserved = new Map<string, number>(all.map((l) => [l, 0]))
  const unnamed: LocationReservation[] = []
  for (const r of reservations) {
    const location = r.location === null ? undefined : directory.resolve(r.location)
    if (location === undefined) unnamed.push(r)
    else reserved.set(location, (reserved.get(location) ?? 0) + r.units)
  }
  const free = (location: string) =>
    (levels.get(location)?.onHand ?? 0) - (reserved.get(location) ?? 0)
  for (const r of unnamed) {
    const candidates = candidateLocations(r, listings, all)
    for (const [location, units] of pour(r.units, candidates, free))
      reserved.set(location, (reserved.get(location) ?? 0) + units)
  }
  return reserved
}

function candidateLocations(
  r: LocationReservation,
  listings: readonly LocationListing[],
  all: readonly string[],
): string[] {
  const own = listings.filter(
    (l) => l.channel === r.channel && l.accountId === r.accountId && !isChannelHeld(l),
  )
  if (own.length === 0 || own.some((l) => l.locations === null)) return [...all]
  return [...new Set(own.flatMap((l) => l.locations ?? []))]
}

/**
 * `units` spread one at a time to the location with the most free then (ties: the first name),
 * computed a level at a time rather than a unit at a time.
 */
function pour(
  units: number,
  locations: readonly string[],
  free: (location: string) => number,
): Map<string, number> {
  const given = new Map<string, number>(locations.map((l) => [l, 0]))
  const left = (l: string) => free(l) - given.get(l)!
  const order = () =>
    [...locations].sort((a, b) => left(b) - left(a) || (a < b ? -1 : a > b ? 1 : 0))
  let rest = units
  while (rest > 0 && locations.length > 0) {
    const sorted = order()
    const top = left(sorted[0]!)
    let k = 1
    while (k < sorted.length && left(sorted[k]!) === top) k++
    const step = k < sorted.length ? top - left(sorted[k]!) : Infinity
    if (rest >= step * k) {
      for (const l of sorted.slice(0, k)) given.set(l, given.get(l)! + step)
      rest -= step * k
      continue
    }
    const each = Math.floor(rest / k)
    sorted
      .slice(0, k)
      .forEach((l, i) => given.set(l, given.get(l)! + each + (i < rest % k ? 1 : 0)))
    rest = 0
  }
  return given
}

/**
 * A SKU's stock per location (on-hand, its last count's time, reserved) with its ats and safety
 * stock; undefined for a SKU the ledger has no row for. What the push path gives
 * {@link listingAvailable} for a listing that draws from some locations only. Reserved units per
 * location are placed on read ({@link placeReservations}); they add up to the SKU's live
 * reservations now, which the ledger row's `reserved` catches up with at the next settle.
 */
export async function readLocationStock(
  db: Kysely<Database>,
  sku: string,
  directory: LocationDirectory,
): Promise<LocationStock | undefined> {
  const rows = await readSkuLocationRows(db, sku)
  if (!rows) return undefined
  const reserved = placeReservations(rows.levels, rows.reservations, rows.listings, directory)
  const names = [...new Set([...rows.levels.keys(), ...reserved.keys()])].sort()
  return {
    ats: rows.item.ats,
    safetyStock: rows.item.safetyStock,
    levels: names.map((location) => ({
      location,
      onHand: rows.levels.get(location)?.onHand ?? 0,
      onHandAsOf: rows.levels.get(location)?.asOf ?? null,
      reserved: reserved.get(location) ?? 0,
    })),
  }
}
