/** The helpers the Walmart mappings share (Walmart needs none of its own). */
export { done, invalid, located, text, type Path } from '../shared/result.js'
export { latest } from '../shared/time.js'
