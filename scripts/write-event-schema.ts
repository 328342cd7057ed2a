// Writes the event contract's JSON Schema to schema/events.v1.json, the file subscribers can
// consume. test/contract/events-schema.test.ts fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs'
import { EVENTS_SCHEMA_PATH, renderEventsSchema } from '../src/events/json-schema.js'

writeFileSync(EVENTS_SCHEMA_PATH, renderEventsSchema())
console.log(`wrote ${EVENTS_SCHEMA_PATH}`)
