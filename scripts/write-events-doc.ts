// Writes docs/events-reference.md from schema/events.v1.json (npm run docs:events).
import { writeFileSync } from 'node:fs'
import { EVENTS_REFERENCE_PATH, renderEventsReference } from './events-doc.js'

writeFileSync(EVENTS_REFERENCE_PATH, await renderEventsReference())
console.log(`wrote ${EVENTS_REFERENCE_PATH}`)
