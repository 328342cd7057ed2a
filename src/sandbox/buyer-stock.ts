import type { ChannelState, PlacedLine } from './types.js'

/**
 * A buyer's order takes the marketplace's stock, all lines or none, as a real marketplace sells
 * only what it offers. Returns why it was refused (counted in `stats.ordersRefused`), or
 * undefined once the stock is taken. Shared by every emulated channel's `placeOrder`.
 */
export function takeStock(state: ChannelState, lines: readonly PlacedLine[]): string | undefined {
  const refuse = (reason: string) => {
    state.stats.ordersRefused += 1
    return reason
  }
  if (lines.length === 0) return refuse('an order has at least one line')
  const wanted = new Map<string, number>()
  for (const { sku, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      return refuse(`${sku}: quantity ${quantity} is not a whole number ≥ 1`)
    wanted.set(sku, (wanted.get(sku) ?? 0) + quantity)
  }
  for (const [sku, quantity] of wanted) {
    const offered = state.stock.get(sku) ?? 0
    if (quantity > offered) return refuse(`${sku}: ${quantity} wanted, ${offered} offered`)
  }
  for (const [sku, quantity] of wanted) state.stock.set(sku, (state.stock.get(sku) ?? 0) - quantity)
  return undefined
}

/** A cancellation gives units back to the marketplace's stock. */
export function returnStock(state: ChannelState, sku: string, quantity: number): void {
  state.stock.set(sku, (state.stock.get(sku) ?? 0) + quantity)
}
