export {
  DeliverJob,
  deliverJob,
  deliverJobName,
  HUB_BACKOFF,
  InboundJob,
  QUEUE_NAMES,
  inboundJob,
  inboundMessage,
  jobIds,
  OrderSyncJob,
  type DeliveryDescription,
  type InboundMessage,
} from './catalog.js'
export { queuePrefix, type QueueKeyLayout } from './key-layout.js'
export { createQueues, type QueueSettings, type Queues } from './queues.js'
export { closeRedis, createRedis, type RedisConnections } from './redis.js'
export { StockJob, stockQueueName, type StockQueues, type StockTarget } from './stock.js'
