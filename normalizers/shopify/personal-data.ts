/**
 * Where Shopify's bodies carry buyer personal data. An order webhook (and a listed order, topic
 * hub.order-sync) is the whole REST Order: the buyer's `customer` (with its ids, addresses,
 * consents), `billing_address`, `shipping_address`, the order's `email`, `contact_email`, `phone`,
 * the buyer's browser (`browser_ip`, `client_details`) and free text (`note`, `note_attributes`).
 * `name` is not listed: at the order's top it is the order number (`#1042`) and in a line item the
 * product; the address `name`s are inside the listed objects. Source: the REST Order resource,
 * https://shopify.dev/docs/api/admin-rest/2025-10/resources/order, and fixtures/shopify/.
 */
import type { PersonalDataFields } from '../types.js'

export const personalData = {
  keys: [
    'customer',
    'billing_address',
    'shipping_address',
    'email',
    'contact_email',
    'phone',
    'browser_ip',
    'client_details',
    'note',
    'note_attributes',
  ],
} as const satisfies PersonalDataFields
