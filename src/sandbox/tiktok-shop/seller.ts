/**
 * The emulated TikTok seller: its fixed ids (shop, warehouses) and the ids under which it lists an
 * internal SKU, derived from the SKU alone so the same SKU always has the same ids (in every run,
 * for every state), and the way back from a product id to its SKU for the API's product-scoped calls.
 */
import { createHash } from 'node:crypto'
import type { ChannelState } from '../types.js'

/** The emulated shop, as webhooks name it (`shop_id`, a TikTok-shaped digit string). */
export const SHOP_ID = '7494000000000000001'

/**
 * The shop's warehouses; every SKU is assigned to both, so a stock write must list both (TikTok's
 * rule, channels.md §4 B1). The emulator keeps a SKU's units in the first; the second stays empty.
 */
export const WAREHOUSE_IDS = ['7290000000000000001', '7290000000000000002'] as const

export interface SkuIds {
  readonly productId: string
  readonly skuId: string
}

/** Product id → its SKUs, for every SKU whose ids were derived in this process. */
const skusByProduct = new Map<string, Set<string>>()
/**
 * Ids already derived: `skusOfProduct` derives every stocked SKU's on each call, and two SHA-256
 * digests per SKU made the emulated TikTok the slowest part of a 10,000-SKU catalog bench.
 */
const idsBySku = new Map<string, SkuIds>()

/** A 19-digit TikTok-shaped id (TikTok's product and SKU ids start with 17) from a digest of `seed`. */
function digitId(seed: string): string {
  const digest = createHash('sha256').update(seed, 'utf8').digest()
  return `17${(digest.readBigUInt64BE(0) % 10n ** 17n).toString().padStart(17, '0')}`
}

/**
 * The product an internal SKU is a variant of: the part before its last `/` (`TEE/M` and `TEE/L`
 * are two SKUs of product `TEE`, as TikTok lists up to 100 SKUs under one product, error 12052050
 * of Update Inventory), else the SKU itself (a product with one SKU).
 */
function productOf(sku: string): string {
  const slash = sku.lastIndexOf('/')
  return slash > 0 ? sku.slice(0, slash) : sku
}

/** The product and SKU ids of an internal SKU. */
export function idsOf(sku: string): SkuIds {
  const cached = idsBySku.get(sku)
  if (cached) return cached
  const productId = digitId(`product:${productOf(sku)}`)
  const known = skusByProduct.get(productId) ?? new Set<string>()
  skusByProduct.set(productId, known.add(sku))
  const ids = { productId, skuId: digitId(`sku:${sku}`) }
  idsBySku.set(sku, ids)
  return ids
}

/**
 * The internal SKUs a product id lists: those whose ids were derived already (a listing unit
 * handed out, an order placed), and those the state holds stock for; none when the shop lists no
 * such product.
 */
export function skusOfProduct(state: ChannelState, productId: string): string[] {
  const skus = new Set(skusByProduct.get(productId))
  for (const sku of state.stock.keys()) {
    if (idsOf(sku).productId === productId) skus.add(sku)
  }
  return [...skus]
}

/**
 * A SKU's price in cents, between $5.00 and $99.99, fixed per SKU so that repeated orders agree.
 */
export function priceCentsOf(sku: string): number {
  const digest = createHash('sha256').update(`price:${sku}`, 'utf8').digest()
  return 500 + (digest.readUInt32BE(0) % 9_500)
}

let sequence = 0

/**
 * A fresh id: `prefix`, the Unix seconds of `at`, and a counter, all digits. The time part keeps
 * ids unique across emulator restarts against the same hub database.
 */
export function freshId(prefix: string, at: Date): string {
  sequence = (sequence + 1) % 1_000_000
  return `${prefix}${Math.floor(at.getTime() / 1000)}${String(sequence).padStart(6, '0')}`
}
