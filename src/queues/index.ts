export {
  DeliverJob,
  HUB_BACKOFF,
  InboundJob,
  QUEUE_NAMES,
  inboundJob,
  jobBodyBytes,
  jobIds,
} from './catalog.js'
export { createQueues, type QueueSettings, type Queues } from './queues.js'
export { closeRedis, createRedis, type RedisConnections } from './redis.js'
export { StockJob, stockQueueName, type StockQueues, type StockTarget } from './stock.js'
