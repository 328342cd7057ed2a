/**
 * Walmart only: its lines carry money as typed charges with their own tax, not as amount fields.
 *
 * The charges of a purchase order's lines → integer minor units, in the one currency of every
 * charge and tax (a second currency is `invalid`). Amounts are the decimal strings
 * connectors/walmart/payloads.ts makes of Walmart's JSON numbers, counted by toMinorUnits with
 * string arithmetic only.
 *
 * - chargeType PRODUCT (chargeName ItemPrice) is the goods, SHIPPING (Shipping) the shipping;
 *   Walmart documents no other type, so another one is `invalid` rather than left out of totals.
 * - A charge is a discount when `isDiscount` is true, its chargeName names a discount
 *   (SubscriptionDiscount, documented under ChargeType) or its amount is negative. Whether
 *   Walmart writes discounts negative is not documented, so a discount counts by its absolute
 *   value, and so does its tax, which it takes off the tax. A SHIPPING discount is taken off
 *   shipping, not counted as an order discount.
 * - A PRODUCT charge covers all the line's `orderLineQuantity` units, not one unit. The reference
 *   only says "the numerical amount for that charge"; since multi-quantity lines (MLMQ) one line
 *   of 3 units carries one ItemPrice charge. So unitPrice = PRODUCT ÷ quantity, and an amount that
 *   does not divide into whole minor units is `invalid`, not rounded: it would mean the amount is
 *   not what this reading assumes (a per-unit price would usually not divide, e.g. 19.99 × 1 for
 *   a line of 2).
 *
 * Docs: https://developer.walmart.com/us-marketplace/docs/get-an-order (ChargeType, MoneyTypeV2,
 * TaxType), https://developer.walmart.com/us-marketplace/docs/multi-line-multi-quantity-mlmq-migration-guide
 */
import type {
  WalmartCharge,
  WalmartOrder,
  WalmartOrderLine,
} from '../../connectors/walmart/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { formatMinorUnits, minorAt, safeMinor } from '../shared/money.js'
import { located, type Path } from './shared.js'

/** One line's charges, in minor units. */
export interface LineCharges {
  /** Σ PRODUCT charges that are not discounts: the goods of all the line's units. */
  readonly product: number
  /** Σ PRODUCT discounts (non-negative). */
  readonly productDiscount: number
  /** Σ SHIPPING charges net of shipping discounts. */
  readonly shipping: number
  /** Σ tax of every charge, net of the tax of discounts. */
  readonly tax: number
}

function chargesOf(line: WalmartOrderLine): readonly WalmartCharge[] {
  return line.charges?.charge ?? []
}

/** The currency of the order's first charge; every other charge and tax must use it. */
export function orderCurrency(order: WalmartOrder, linesAt: Path): string {
  const first = order.orderLines.orderLine.flatMap(chargesOf)[0]
  if (!first) throw new InvalidPayloadError('no charge names the order currency', linesAt)
  const currency = first.chargeAmount.currency
  order.orderLines.orderLine.forEach((line, index) => {
    chargesOf(line).forEach((charge, position) => {
      const chargeAt = [...linesAt, index, 'charges', 'charge', position]
      const found: [Path, string][] = [
        [[...chargeAt, 'chargeAmount'], charge.chargeAmount.currency],
      ]
      if (charge.tax) found.push([[...chargeAt, 'tax', 'taxAmount'], charge.tax.taxAmount.currency])
      for (const [where, code] of found) {
        if (code !== currency) {
          const issue = `currency ${code} differs from the order currency ${currency}`
          throw new InvalidPayloadError(issue, [...where, 'currency'])
        }
      }
    })
  })
  return currency
}

/** Sums one line's charges (see the module comment); `at` locates the line. */
export function lineCharges(line: WalmartOrderLine, currency: string, at: Path): LineCharges {
  let product = 0
  let productDiscount = 0
  let shipping = 0
  let tax = 0
  chargesOf(line).forEach((charge, position) => {
    const chargeAt = [...at, 'charges', 'charge', position]
    const amount = minorAt(charge.chargeAmount.amount, currency, [
      ...chargeAt,
      'chargeAmount',
      'amount',
    ])
    const chargeTax = charge.tax
    const taxed = chargeTax
      ? minorAt(chargeTax.taxAmount.amount, currency, [...chargeAt, 'tax', 'taxAmount', 'amount'])
      : 0
    const discount =
      charge.isDiscount === true || /discount/i.test(charge.chargeName ?? '') || amount < 0
    tax += discount ? -Math.abs(taxed) : taxed
    switch (charge.chargeType.toUpperCase()) {
      case 'PRODUCT':
        if (discount) productDiscount += Math.abs(amount)
        else product += amount
        break
      case 'SHIPPING':
        shipping += discount ? -Math.abs(amount) : amount
        break
      default:
        throw new InvalidPayloadError(`unknown chargeType "${charge.chargeType}"`, [
          ...chargeAt,
          'chargeType',
        ])
    }
  })
  located(at, () => [product, productDiscount, shipping, tax].map((v) => safeMinor(v, 'a sum')))
  const quantity = line.orderLineQuantity.amount
  if (product % quantity !== 0) {
    const issue = `the PRODUCT amount ${formatMinorUnits(product, currency)} ${currency} does not divide into ${quantity} units of whole minor units`
    throw new InvalidPayloadError(issue, [...at, 'charges'])
  }
  return { product, productDiscount, shipping, tax }
}
