import { beforeAll } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import { CHANNEL_IDS } from '../../src/events/index.js'
import { useEmulator } from './emulated-channel.js'
import { TEST_ADMIN_TOKEN, useTestHub } from './hub.js'

/**
 * A hub with workers, listening, and the marketplace emulator sending it webhooks: what a flash
 * sale (src/sandbox/flash-sale.ts) runs against. One per file: the emulator's rate limits (Amazon's
 * getOrderItems plan hydrates every order) are shared by everything the file sells.
 */
export function useFlashSaleHub() {
  const emulator = useEmulator()
  const hub = useTestHub({
    accounts: () => sandboxAccounts(emulator.url),
    workers: true,
    listen: true,
    // The emulator stamps orders with this process's clock, to the millisecond (as the simulation).
    env: { STOCK_ORDER_CLOCK_SKEW_MS: '0' },
  })
  beforeAll(() => {
    // Shopify posts inventory_levels/update for the hub's own writes: the echoes must change nothing.
    for (const channel of CHANNEL_IDS) emulator.state(channel).hubUrl = hub.url
  })
  const endpoint = () => ({ url: hub.url, adminToken: TEST_ADMIN_TOKEN, accountId: 'demo' })
  return { emulator, hub, endpoint }
}
