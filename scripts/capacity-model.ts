// Prints the capacity model (scripts/capacity.ts) over docs/capacity-figures.json as markdown
// (npm run capacity; `-- <figures.json>` for other figures). docs/scaling.md holds the same block
// (npm run docs:scaling), and a test keeps the two equal.
import { readFigures, renderCapacityModel } from './capacity.js'

console.log(renderCapacityModel(readFigures(process.argv[2])))
