// De-risks the events reference (docs/events-reference.md) telling consumers something the
// contract does not say: the checked-in page must be exactly what scripts/write-events-doc.ts
// makes of schema/events.v1.json now (after a schema change: npm run docs:events), and every
// example on it must be an event the hub's own schema accepts.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  EVENTS_REFERENCE_PATH,
  eventExamples,
  renderEventsReference,
} from '../../scripts/events-doc.js'
import { EVENT_TYPES, HubEvent } from '../../src/events/index.js'

describe('docs/events-reference.md', () => {
  it('is what npm run docs:events generates from the checked-in schema', async () => {
    expect(readFileSync(EVENTS_REFERENCE_PATH, 'utf8')).toBe(await renderEventsReference())
  })

  it('has one example per event type, each a valid event of its type', () => {
    const examples = eventExamples()
    expect(examples.map((e) => e.type)).toEqual(EVENT_TYPES)
    for (const { type, event } of examples) expect(HubEvent.parse(event).type).toBe(type)
  })
})
