// DESIGN.md §10 invariant 8 end to end: every order the four channels hold reaches the hub in its
// final state although the channels drop, delay and duplicate their webhooks, the lost ones found
// by order sync; the scenario `hub simulate missed-webhooks` runs, at a small size.
import { describe, expect, it } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import { CHANNEL_IDS } from '../../src/events/index.js'
import { amazonListingAfter, hubPorts } from '../../src/cli/simulate-missed-webhooks.js'
import { orderListSettings } from '../../src/sandbox/amazon/index.js'
import { runMissedWebhooks } from '../../src/sandbox/missed-webhooks.js'
import { webhookFaultRates } from '../../src/sandbox/webhook-faults.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { useTestHub } from '../helpers/hub.js'

const emulator = useEmulator()
const hub = useTestHub({
  // Amazon's list trails by two minutes; the emulator and the account are told to list at once.
  accounts: () => amazonListingAfter(sandboxAccounts(emulator.url), 500),
  workers: true,
  listen: true,
  env: {
    ORDER_SYNC_INTERVAL_MS: '1000',
    ORDER_SYNC_OVERLAP_MS: '2000',
    ORDER_SYNC_SETTLE_MS: '500',
    STOCK_ORDER_CLOCK_SKEW_MS: '0',
  },
})

describe('a day of orders with lost, late and repeated webhooks', () => {
  it('ends with every order in its final state, the lost ones found by polling', async () => {
    orderListSettings(emulator.state('amazon')).settleMs = 500
    for (const channel of CHANNEL_IDS) {
      const state = emulator.state(channel)
      state.hubUrl = hub.url
      state.webhookFaults.rates = webhookFaultRates({
        drop: 0.3,
        delay: 0.1,
        duplicate: 0.1,
        maxDelayMs: 2_000,
        seed: 16,
      })
    }
    const summary = await runMissedWebhooks(emulator, {
      channels: CHANNEL_IDS,
      ordersPerChannel: 12,
      overMs: 2_000,
      cancelShare: 0.25,
      seed: 16,
      settleTimeoutMs: 25_000,
      ...hubPorts(hub.deps),
    })
    for (const c of summary.channels) {
      expect({ channel: c.channel, missing: c.missing, wrong: c.wrong }).toEqual({
        channel: c.channel,
        missing: [],
        wrong: [],
      })
      expect(c.correct).toBe(12)
    }
    expect(summary.settled).toBe(true)
    // The seed drops webhooks on every channel, so polling must have recovered some.
    expect(summary.channels.every((c) => c.webhooks.dropped > 0)).toBe(true)
    expect(summary.channels.reduce((n, c) => n + c.recoveredByPolling, 0)).toBeGreaterThan(0)
  })
})
