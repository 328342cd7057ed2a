// De-risks the one quantity check every stock push passes, over each channel's declared range:
// out-of-range values are refused with a reason naming quantity and bound, values above the
// maximum are capped to it (never more than the channel takes), and 0 passes everywhere, so that
// the hub can always say "sold out".
import { describe, expect, it } from 'vitest'
import { connectors } from '../index.js'
import { CHANNEL_IDS } from '../../src/events/index.js'
import { fitQuantity, HUB_MAX_QUANTITY } from './quantity-range.js'

const declared = {
  shopify: { min: 0, max: 1_000_000_000 },
  amazon: { min: 0, max: HUB_MAX_QUANTITY },
  walmart: { min: 0, max: HUB_MAX_QUANTITY },
  'tiktok-shop': { min: 0, max: 99_999 },
} as const

describe.each(CHANNEL_IDS)('%s', (channel) => {
  const range = connectors[channel].stock.quantityRange

  it('declares the range documented for it', () => {
    expect(range).toEqual(declared[channel])
  })

  it.each([
    { quantity: -1, why: 'is below 0' },
    { quantity: 1.5, why: 'is not a whole number' },
    { quantity: Number.NaN, why: 'is not a whole number' },
    { quantity: Number.POSITIVE_INFINITY, why: 'is not a whole number' },
  ])('refuses $quantity: it $why', ({ quantity, why }) => {
    const fit = fitQuantity(range, quantity)
    expect(fit).toEqual({
      ok: false,
      reason: `quantity ${quantity} ${why}; the channel takes whole units from ${range.min} to ${range.max}`,
    })
  })

  it('sends 0 and the maximum as they are', () => {
    expect(fitQuantity(range, 0)).toEqual({ ok: true, quantity: 0 })
    expect(fitQuantity(range, range.max)).toEqual({ ok: true, quantity: range.max })
  })

  it('caps one above the maximum, and far above, at the maximum and says so', () => {
    expect(fitQuantity(range, range.max + 1)).toEqual({
      ok: true,
      quantity: range.max,
      cappedFrom: range.max + 1,
    })
    expect(fitQuantity(range, 2 ** 53)).toEqual({
      ok: true,
      quantity: range.max,
      cappedFrom: 2 ** 53,
    })
  })
})

it('refuses below a minimum above 0', () => {
  expect(fitQuantity({ min: 1, max: 10 }, 0)).toMatchObject({ ok: false })
  expect(fitQuantity({ min: 1, max: 10 }, 1)).toEqual({ ok: true, quantity: 1 })
})
