import { fileURLToPath } from 'node:url'
import { eventsJsonSchema } from './index.js'

/** Where the contract's JSON Schema is checked in. */
export const EVENTS_SCHEMA_PATH = fileURLToPath(
  new URL('../../schema/events.v1.json', import.meta.url),
)

/** The checked-in file's exact text: JSON Schema (draft 2020-12) of every event type. */
export function renderEventsSchema(): string {
  const schema = {
    title: 'marketplace-hub events, v1',
    ...eventsJsonSchema(),
  }
  return `${JSON.stringify(schema, null, 2)}\n`
}
