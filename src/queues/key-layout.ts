/**
 * Where a queue's keys live. BullMQ names every key of queue `Q` `<prefix>:Q:<suffix>`, and its
 * Lua scripts touch several of them at once, which Redis Cluster allows only within one slot:
 * the keys must share a hash tag (https://docs.bullmq.io/bull/patterns/redis-cluster).
 *
 * - One Redis, or a prefix with its own tag (`{hub}`): the prefix as configured, `hub:inbound:wait`
 *   or `{hub}:inbound:wait` (everything in the tag's one slot).
 * - A cluster and a plain prefix: each queue tagged with its own name, `hub:{inbound}:inbound:wait`,
 *   `hub:{stock.shopify.acme}:stock.shopify.acme:wait`, so each queue is in one slot and the queues,
 *   one per stock account among them, spread across the cluster's slots and masters.
 *
 * Every key still starts with `<prefix>:`, so a SCAN for `<prefix>:*` finds a deployment's keys.
 */
export interface QueueKeyLayout {
  readonly prefix: string
  readonly tagEachQueue: boolean
}

/** The BullMQ `prefix` option for queue `name` (its Queue and its Worker must both use it). */
export function queuePrefix(layout: QueueKeyLayout, name: string): string {
  return layout.tagEachQueue ? `${layout.prefix}:{${name}}` : layout.prefix
}
