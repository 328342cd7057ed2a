// De-risks the client's event types drifting from the hub's schema: the checked-in
// events.generated.ts must be exactly what scripts/write-client-types.ts makes of
// schema/events.v1.json now (after a schema change: npm run schema:client).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CLIENT_TYPES_PATH,
  interfaceName,
  renderClientTypes,
} from '../../../scripts/client-types.js'

describe('packages/client/src/events.generated.ts', () => {
  it('is what npm run schema:client generates from the checked-in schema', async () => {
    expect(readFileSync(CLIENT_TYPES_PATH, 'utf8')).toBe(await renderClientTypes())
  })

  it('names one interface per event type, version included', () => {
    expect(interfaceName('order.found_by_polling.v1')).toBe('OrderFoundByPollingV1')
    expect(interfaceName('inventory.drift_detected.v2')).toBe('InventoryDriftDetectedV2')
  })
})
