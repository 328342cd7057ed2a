/**
 * Where Walmart's bodies carry buyer personal data. Order webhooks carry no buyer fields (the
 * `customerOrderId` is an order number); a listed order (topic hub.order-sync, Walmart's Order)
 * has `customerEmailId` (a relay alias, still the buyer's), and in `shippingInfo` the `phone` and
 * `postalAddress` (name, lines, city, postal code). `shippingInfo` itself also holds dates and the
 * ship method, which stay. Source: https://developer.walmart.com/api/us/mp/orders (Order) and
 * /work/shared/realworld-samples/walmart/get-order.ORDER.response.json.
 */
import type { PersonalDataFields } from '../types.js'

export const personalData = {
  keys: ['customerEmailId', 'customerName', 'phone', 'postalAddress'],
} as const satisfies PersonalDataFields
