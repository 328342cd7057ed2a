// Writes the capacity model's block into docs/scaling.md (npm run docs:scaling), after new figures
// (npm run bench:capacity) or a change to the model.
import { readFileSync, writeFileSync } from 'node:fs'
import { renderScalingDoc, SCALING_DOC_PATH } from './capacity.js'

writeFileSync(SCALING_DOC_PATH, await renderScalingDoc(readFileSync(SCALING_DOC_PATH, 'utf8')))
console.log(`wrote ${SCALING_DOC_PATH}`)
