// Issue #15 end to end: a flash sale under the default (partitioned) allocation, through real
// HTTP both ways, real PostgreSQL and Redis. In its own file (its own hub and emulator) so that it
// does not share Amazon's order-hydration budget with the other flash sales.
import { describe, expect, it } from 'vitest'
import { CHANNEL_IDS } from '../../src/events/index.js'
import { runFlashSale } from '../../src/sandbox/flash-sale.js'
import { useFlashSaleHub } from '../helpers/flash-sale-hub.js'
import { ADMIN } from '../helpers/hub.js'

const { emulator, hub, endpoint } = useFlashSaleHub()

describe('a flash sale across all four channels', () => {
  it(
    'under the default (partitioned) allocation, with more buyers than units at once, sells every unit and not one more',
    { timeout: 90_000 },
    async () => {
      const sale = await runFlashSale(endpoint(), emulator, {
        sku: 'E2E-PARTITIONED',
        orders: 150,
        onHand: 100,
        channels: CHANNEL_IDS,
        duplicates: 1,
        overMs: 0,
        timeoutMs: 60_000,
      })
      expect(sale.settled).toBe(true)
      expect(sale.oversold).toBe(0)
      expect(sale.ordersAccepted).toBe(100)
      expect(sale.unsold).toBe(0)
      expect(sale.hub).toEqual({ onHand: 100, reserved: 100, ats: 0 })
      for (const c of sale.channels) expect(c.finalQuantity).toBe(0)
      const res = await hub.app.request('/v1/inventory/E2E-PARTITIONED', { headers: ADMIN })
      const view = (await res.json()) as {
        listings: { allocation: { mode: string; offered: number; inflight: number | null } }[]
      }
      for (const l of view.listings)
        expect(l.allocation).toMatchObject({ mode: 'partitioned', offered: 0, inflight: null })
    },
  )
})
