/** [pattern, event type, matches?]: the filter rule, shared by the JS and the SQL implementation's tests. */
export const EVENT_TYPE_CASES: ReadonlyArray<readonly [string, string, boolean]> = [
  ['order.created.v1', 'order.created.v1', true],
  ['order.created.v1', 'order.updated.v1', false],
  ['order.*', 'order.created.v1', true],
  ['order.*', 'orders.created.v1', false],
  ['order.*', 'order', false],
  ['order.created.*', 'order.created.v1', true],
  ['order.created.*', 'order.cancelled.v1', false],
  ['inventory.drift_detected.*', 'inventory.drift_detected.v1', true],
  ['inventory.drift_*', 'inventory.drift_detected.v1', false],
  ['*', 'order.returned.v1', true],
]
