/**
 * Where Amazon's bodies carry buyer personal data. ORDER_CHANGE notifications are thin: the
 * buyer's `DestinationPostalCode` is the one personal value. A listed order (topic hub.order-sync,
 * the Orders API `Order`) has `BuyerInfo` (e-mail, name, tax info), `ShippingAddress` (name,
 * lines, phone) and, in newer models, `BuyerTaxInformation` and `BuyerCustomizedInfo`. Delivered
 * through SNS, the notification is a JSON string in the envelope's `Message`. Sources:
 * https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference (Order, BuyerInfo,
 * Address), https://developer-docs.amazon.com/sp-api/docs/notification-type-values (ORDER_CHANGE),
 * and /work/shared/realworld-samples/amazon.
 */
import type { PersonalDataFields } from '../types.js'

export const personalData = {
  keys: [
    'BuyerInfo',
    'BuyerEmail',
    'BuyerName',
    'BuyerCounty',
    'BuyerTaxInfo',
    'BuyerTaxInformation',
    'BuyerCustomizedInfo',
    'ShippingAddress',
    'DestinationPostalCode',
  ],
  nestedJson: ['Message'],
} as const satisfies PersonalDataFields
