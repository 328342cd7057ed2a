// De-risks the one rule implemented twice: subscription filters are validated in TypeScript and
// matched in SQL by the relay and the feed. Both must give the same answer for every case.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { matchesEventType } from '../../src/subscriptions/event-filter.js'
import { EVENT_TYPE_CASES } from '../helpers/event-type-cases.js'
import { useTestHub } from '../helpers/hub.js'

const hub = useTestHub()

describe('hub_event_type_matches (SQL) agrees with matchesEventType (TypeScript)', () => {
  it.each(EVENT_TYPE_CASES)('%s vs %s → %s', async (pattern, type, expected) => {
    const { rows } = await sql<{
      m: boolean
    }>`select hub_event_type_matches(${pattern}, ${type}) as m`.execute(hub.deps.db)
    expect(rows[0]?.m).toBe(expected)
    expect(matchesEventType(pattern, type)).toBe(expected)
  })
})
