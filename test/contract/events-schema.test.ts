// De-risks the public contract: the JSON Schema subscribers consume is generated from the zod
// schemas, and any change to them shows up here as a stale checked-in file (run `npm run
// schema:events` and review the diff), and as a fixture that no longer validates.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/events/index.js'
import { EVENTS_SCHEMA_PATH, renderEventsSchema } from '../../src/events/json-schema.js'

describe('event contract JSON Schema', () => {
  it('is checked in and up to date', () => {
    expect(readFileSync(EVENTS_SCHEMA_PATH, 'utf8'), 'run `npm run schema:events`').toBe(
      renderEventsSchema(),
    )
  })

  it('describes every event type', () => {
    const schema = JSON.parse(renderEventsSchema()) as {
      oneOf?: Array<{ properties: { type: { const: string } } }>
    }
    const types = (schema.oneOf ?? []).map((s) => s.properties.type.const)
    expect(types).toEqual(EVENT_TYPES)
    expect(types).toEqual([
      'order.created.v1',
      'order.updated.v1',
      'order.cancelled.v1',
      'order.fulfilled.v1',
      'order.returned.v1',
      'inventory.reported.v1',
      'listing.status_changed.v1',
      'inventory.changed.v1',
      'inventory.drift_detected.v1',
    ])
  })

  it('keeps money integral', () => {
    const text = renderEventsSchema()
    expect(text).toContain('"amountMinor"')
    expect(text).not.toMatch(/"amountMinor":\s*\{\s*"type":\s*"number"/)
  })
})
