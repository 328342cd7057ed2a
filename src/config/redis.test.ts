import { describe, expect, it } from 'vitest'
import { problemsOf } from '../../test/helpers/config.js'
import { loadConfig } from './index.js'
import { queuePrefix } from '../queues/key-layout.js'

describe('Redis: one node or a cluster', () => {
  it('takes REDIS_URL as one node, by default and when set', () => {
    expect(loadConfig({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', variable: 'REDIS_URL' })
    expect(loadConfig({ REDIS_URL: 'redis://r:6380/2' }).redis.cluster).toBeUndefined()
  })

  it('reads a comma-separated REDIS_URL as a cluster, with the seeds credentials', () => {
    const { redis } = loadConfig({
      REDIS_URL: 'rediss://hub:p%40ss@10.0.0.1:7000, rediss://hub:p%40ss@10.0.0.2:7001',
    })
    expect(redis.variable).toBe('REDIS_URL')
    expect(redis.cluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'hub',
      password: 'p@ss',
      tls: true,
    })
  })

  it('reads REDIS_CLUSTER_NODES as host:port or URLs', () => {
    const { redis } = loadConfig({ REDIS_CLUSTER_NODES: 'a:7000,redis://b:7001,[::1]:7002' })
    expect(redis.variable).toBe('REDIS_CLUSTER_NODES')
    expect(redis.url).toBe('redis://a:7000,redis://b:7001,redis://[::1]:7002')
    expect(redis.cluster?.nodes).toEqual([
      { host: 'a', port: 7000 },
      { host: 'b', port: 7001 },
      { host: '::1', port: 7002 },
    ])
  })

  it('refuses a cluster named twice, with one message', () => {
    expect(
      problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:7000,b:7001' }),
    ).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: set either REDIS_URL .* or REDIS_CLUSTER_NODES/),
    ])
    // REDIS_URL left at its default is not a second answer.
    expect(
      problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: 'a:7000' }),
    ).toEqual([])
  })

  it('refuses nodes connected differently, without showing the passwords', () => {
    const problems = problemsOf({
      REDIS_URL: 'redis://:one-secret@a:7000,rediss://:one-secret@b:7001',
    })
    expect(problems).toEqual([expect.stringMatching(/^REDIS_URL: the cluster's nodes mix schemes/)])
    expect(problems.join()).not.toContain('one-secret')
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:7000,redis://:pw@b:7001' })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: the cluster's nodes mix schemes or credentials/),
    ])
    expect(problemsOf({ REDIS_URL: 'redis://a:7000/3,redis://b:7001/3' })).toEqual([
      expect.stringMatching(/^REDIS_URL: a Redis Cluster has database 0 only/),
    ])
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a,b:7001' })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: a: must be host:port/),
    ])
  })
})

describe('QUEUE_PREFIX and where each queue lives', () => {
  it('refuses a prefix that cannot hash-tag, naming QUEUE_PREFIX', () => {
    for (const prefix of ['{}', '{hub', 'hub}', '{a}{b}', '{hub:x}', '}hub{'])
      expect(problemsOf({ QUEUE_PREFIX: prefix })).toEqual([
        expect.stringMatching(/^QUEUE_PREFIX: ".*" cannot hash-tag: braces must enclose one/),
      ])
  })

  it('keeps one Redis as it was, and tags each queue on a cluster', () => {
    const single = loadConfig({ QUEUE_PREFIX: 'hub' }).queues
    expect(queuePrefix(single, 'inbound')).toBe('hub')
    const cluster = loadConfig({ QUEUE_PREFIX: 'hub', REDIS_CLUSTER_NODES: 'a:7000' }).queues
    expect(queuePrefix(cluster, 'inbound')).toBe('hub:{inbound}')
    expect(queuePrefix(cluster, 'stock.shopify.acme')).toBe('hub:{stock.shopify.acme}')
  })

  it('leaves a prefix with its own tag as it is, on a cluster too', () => {
    const tagged = loadConfig({ QUEUE_PREFIX: '{hub}', REDIS_CLUSTER_NODES: 'a:7000' }).queues
    expect(queuePrefix(tagged, 'inbound')).toBe('{hub}')
    expect(queuePrefix(loadConfig({ QUEUE_PREFIX: 'app-{hub}' }).queues, 'deliver')).toBe(
      'app-{hub}',
    )
  })
})
