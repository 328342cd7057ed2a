import type {
  Adjustment,
  AdjustmentResult,
  InventoryLevel,
  RecountResult,
  SetLevel,
  SetLevelResult,
  SkuStock,
} from './api-types.js'
import { HubApiError } from './errors.js'
import type { HubHttp } from './http.js'

/**
 * The hub's inventory ledger (`/v1/inventory`): an OMS tells it each SKU's stock, and the hub
 * pushes what each channel may sell. A level carries the time it was counted, so it may be sent
 * again safely; an adjustment carries an idempotency key for the same reason.
 */
export class InventoryApi {
  constructor(private readonly http: HubHttp) {}

  /** Its totals, per location, and what each channel was sent; a 404 HubApiError when unknown. */
  async get(sku: string): Promise<SkuStock> {
    return this.http.json('GET', inventoryPath(sku))
  }

  /** A level not newer than the stored one answers `applied: false` with the reason. */
  async setLevel(sku: string, level: SetLevel): Promise<SetLevelResult> {
    return this.http.json('PUT', inventoryPath(sku), { body: level })
  }

  /**
   * A recount: many SKUs' levels in one request (at most 10 000). A level the ledger cannot hold
   * does not reject: the hub's 422 answer is returned as it is, with that level in `refused` and
   * the others applied, so check `refused`. Each level is idempotent by its `asOf`: after a
   * failure part-way, send the whole recount again.
   */
  async setLevels(levels: readonly InventoryLevel[]): Promise<RecountResult> {
    try {
      return await this.http.json('PUT', '/v1/inventory', { body: { levels } })
    } catch (err) {
      if (err instanceof HubApiError && err.status === 422 && isRecount(err.body)) return err.body
      throw err
    }
  }

  /** `status: 'duplicate'` when the key was applied before; a 409 HubApiError when it was for another change. */
  adjust(adjustment: Adjustment): Promise<AdjustmentResult> {
    return this.http.json('POST', '/v1/inventory/adjustments', { body: adjustment })
  }
}

/**
 * encodeURIComponent escapes `/`, `?`, `#`, `%` and spaces, so the SKU arrives as one path segment.
 * A segment `.` or `..`, even percent-encoded, is resolved away by every WHATWG URL (so by fetch):
 * https://url.spec.whatwg.org/#single-dot-path-segment. Such a SKU would reach another route.
 */
function inventoryPath(sku: string): string {
  if (sku === '.' || sku === '..')
    throw new RangeError(`sku ${JSON.stringify(sku)} has no URL path of its own; use setLevels`)
  return `/v1/inventory/${encodeURIComponent(sku)}`
}

/** A 422 from something other than the hub's recount (a proxy, say) stays an error. */
function isRecount(body: unknown): body is RecountResult {
  return typeof body === 'object' && body !== null && Array.isArray((body as RecountResult).refused)
}
