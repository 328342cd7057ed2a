import { z } from 'zod'
import type { ListingInput } from '../db/repos/listings.js'
import { ChannelId } from '../events/index.js'
import { formatIssues } from '../issues.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { DEFAULT_STOCK_SETTINGS } from '../config/accounts.js'
import { effectivePolicy, neverLists, StockPolicy } from './policy.js'
import { isChannelHeld } from './locations.js'

/** One listing as `PUT /v1/listings` and `hub listings import` take it. */
export const ListingRow = z
  .object({
    sku: z.string().min(1).max(200),
    channel: ChannelId,
    account: z.string().min(1),
    /** The channel's ids of the unit; default where the SKU alone identifies it (Amazon, Walmart). */
    unit: z.record(z.string(), z.unknown()).optional(),
    /** The SKU the channel puts on order lines, when it is not the unit's own nor the internal SKU. */
    channelSku: z.string().min(1).optional(),
    policy: StockPolicy.optional(),
    /** This listing's channel reports set the SKU's on-hand (at most one per SKU). */
    inventorySource: z.boolean().optional(),
    /** The hub locations it draws from (declared in the accounts file); absent or null: all. */
    locations: z.array(z.string().min(1)).min(1).nullable().optional(),
  })
  .strict()
export type ListingRow = z.infer<typeof ListingRow>

/**
 * Validates listing rows against the configured accounts and each channel's unit schema. All or
 * nothing: any problem is returned, each naming its row, and no listing is produced.
 */
export function resolveListings(
  rows: readonly ListingRow[],
  accounts: AccountDirectory,
): { ok: true; listings: ListingInput[] } | { ok: false; problems: string[] } {
  const problems: string[] = []
  const listings: ListingInput[] = []
  const sources = new Map<string, number>()
  const units = new Map<string, number>()
  rows.forEach((row, i) => {
    const at = `listings[${i}]`
    const found = accounts.find(row.channel, row.account)
    const stock = found?.connector.stock
    if (!found)
      return void problems.push(
        `${at}.account: no ${row.channel} account "${row.account}" is configured`,
      )
    if (!stock)
      return void problems.push(`${at}.channel: the hub cannot push stock to ${row.channel}`)
    const given: unknown = row.unit ?? stock.defaultUnit(row.sku, found.account.credentials)
    if (given === undefined)
      return void problems.push(
        `${at}.unit: ${row.channel} needs the unit's own ids (docs/inventory.md, "Listings", shows each channel's unit)`,
      )
    const unit = stock.unit.safeParse(given) as z.ZodSafeParseResult<Record<string, unknown>>
    if (!unit.success) return void problems.push(...formatIssues(unit.error, `${at}.unit`))
    const unitKey = stock.unitKey(unit.data)
    const key = `${row.channel}/${row.account}/${unitKey}`
    const twin = units.get(key)
    if (twin !== undefined) problems.push(`${at}.unit: the same unit as listings[${twin}]`)
    units.set(key, i)
    const channelHeld = isChannelHeld({ channel: row.channel, unit: unit.data })
    const locations = row.locations ?? null
    if (channelHeld && locations !== null)
      problems.push(
        `${at}.locations: the channel holds this listing's stock (Amazon FBA); it draws from none of the hub's locations`,
      )
    if (channelHeld && row.inventorySource)
      problems.push(
        `${at}.inventorySource: the channel holds this listing's stock (Amazon FBA); its reports are shown, never counted in on-hand`,
      )
    locations?.forEach((location, j) => {
      if (!accounts.locations.has(location))
        problems.push(
          `${at}.locations[${j}]: unknown location "${location}" (known: ${accounts.locations.names.join(', ')})`,
        )
    })
    if (locations && new Set(locations).size < locations.length)
      problems.push(`${at}.locations: a location is listed twice`)
    // The account's policy with the listing's fields over it: what the pushes will apply.
    const accountPolicy = (found.account.stock ?? DEFAULT_STOCK_SETTINGS).policy
    const never = neverLists(effectivePolicy(accountPolicy, row.policy ?? {}))
    if (never)
      problems.push(
        `${at}.policy.${never.field}: ${never.reason} (with the account's policy); a listing that must offer nothing is deleted instead`,
      )
    if (row.inventorySource) {
      const other = sources.get(row.sku)
      if (other !== undefined)
        problems.push(
          `${at}.inventorySource: listings[${other}] is already the source of ${row.sku}`,
        )
      sources.set(row.sku, i)
    }
    listings.push({
      sku: row.sku,
      channel: row.channel,
      accountId: row.account,
      unit: unit.data,
      unitKey,
      channelSku: stock.channelSku(unit.data) ?? row.channelSku ?? row.sku,
      policy: row.policy ?? {},
      inventorySource: row.inventorySource ?? false,
      locations: locations && [...locations].sort(),
    })
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, listings }
}
