/** The helpers the Shopify mappings share (Shopify needs none of its own). */
export { minorAt } from '../shared/money.js'
export { done, located, text, type Path } from '../shared/result.js'
