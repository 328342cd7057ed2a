// De-risks the public contract: the JSON Schema subscribers consume is generated from the zod
// schemas, and any change to them shows up here as a stale checked-in file (run `npm run
// schema:events` and review the diff), and as a fixture that no longer validates. A change that
// does more than add to the last released schema (schema/released/<version>.json) is refused.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/events/index.js'
import { EVENTS_SCHEMA_PATH, renderEventsSchema } from '../../src/events/json-schema.js'
import type { SchemaNode as Schema } from '../../src/events/schema-node.js'
import { additiveProblems } from './additive-schema.js'

const RELEASED = new URL('../../schema/released/', import.meta.url)

/** The newest released schema: the file in schema/released with the highest version. */
function lastReleased(): { version: string; schema: Schema } {
  const versions = readdirSync(RELEASED)
    .map((name) => /^(\d+)\.(\d+)\.(\d+)\.json$/.exec(name))
    .filter((m) => m !== null)
    .sort(
      (a, b) =>
        Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]) || Number(a[3]) - Number(b[3]),
    )
  const newest = versions.at(-1)
  if (!newest) throw new Error(`no released schema in ${RELEASED.pathname}`)
  const text = readFileSync(new URL(newest[0], RELEASED), 'utf8')
  return { version: newest[0].replace(/\.json$/, ''), schema: JSON.parse(text) as Schema }
}

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
      'order.found_by_polling.v1',
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

describe('the event schema against the last released one', () => {
  it('only adds to it', () => {
    const { version, schema } = lastReleased()
    const current = JSON.parse(renderEventsSchema()) as Schema
    expect(additiveProblems(schema, current), `not additive since ${version}`).toEqual([])
  })

  it('would refuse a property removed from a real event', () => {
    const { schema } = lastReleased()
    const current = JSON.parse(renderEventsSchema()) as {
      oneOf: Array<{ properties: { data: { properties: Record<string, unknown> } } }>
    }
    delete current.oneOf[0]!.properties.data.properties.order
    expect(additiveProblems(schema, current as Schema)).toEqual([
      'order.created.v1.data: property "order" removed',
    ])
  })
})
