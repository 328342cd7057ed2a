// The servers a load run can aim at: the hub, the bare hono endpoint, the naive receiver.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PidSource } from './cpu.js'
import { hubCpuGroups, startHub } from './hub.js'
import { freePort, spawnChild, waitForReady } from './processes.js'
import { deleteQueuePrefix, jobCounts, REDIS_URL } from './stores.js'
import { SANDBOX_SECRET } from './webhook-template.js'

export type TargetKind = 'hub' | 'bare' | 'naive'

export const TARGET_NAMES: Record<TargetKind, string> = {
  hub: 'hub --role api',
  bare: 'bare hono endpoint',
  naive: 'naive receiver',
}

export interface LoadTarget {
  readonly kind: TargetKind
  readonly baseUrl: string
  /** The server's own processes, as CPU/RSS groups (the hub's named "hub", or "hub api" etc.). */
  readonly groups: Record<string, PidSource>
  /** For the hub: its database, to check what it stored. */
  readonly dbName?: string
  /** For the hub and the naive receiver: where their BullMQ queues live. */
  readonly queuePrefix?: string
  /** Stops the server and removes what it stored (database, Redis keys). */
  dispose(): Promise<void>
}

/** A script of bench/ run by node through tsx, in its own process on a free port. */
async function startScript(
  kind: Exclude<TargetKind, 'hub'>,
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<{ baseUrl: string; groups: Record<string, PidSource>; stop(): Promise<unknown> }> {
  const port = await freePort()
  const child = spawnChild({
    name: TARGET_NAMES[kind],
    command: process.execPath,
    args: ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))],
    env: { ...process.env, ...env, PORT: String(port) },
    logFile,
  })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForReady(child, `${baseUrl}/healthz`)
  } catch (err) {
    await child.stop()
    throw err
  }
  return { baseUrl, groups: { [TARGET_NAMES[kind]]: () => [child.pid] }, stop: () => child.stop() }
}

/** Targets not yet disposed, so that an interrupted run can still clean up after them. */
export const liveTargets = new Set<LoadTarget>()

/** Starts a fresh target (a hub gets its own database and queue prefix). */
export async function startTarget(
  kind: TargetKind,
  opts: { readonly label: string; readonly logDir: string; readonly mainJs: string },
): Promise<LoadTarget> {
  const target = await createTarget(kind, opts)
  const dispose = target.dispose
  const tracked: LoadTarget = {
    ...target,
    dispose: async () => {
      liveTargets.delete(tracked)
      await dispose()
    },
  }
  liveTargets.add(tracked)
  return tracked
}

async function createTarget(
  kind: TargetKind,
  opts: { readonly label: string; readonly logDir: string; readonly mainJs: string },
): Promise<LoadTarget> {
  const logFile = join(opts.logDir, `${kind}-${opts.label}.log`)
  switch (kind) {
    case 'hub': {
      const hub = await startHub({ layout: 'api', ...opts })
      return {
        kind,
        baseUrl: hub.baseUrl,
        groups: hubCpuGroups(hub),
        dbName: hub.dbName,
        queuePrefix: hub.queuePrefix,
        dispose: () => hub.dispose(),
      }
    }
    case 'bare': {
      const s = await startScript(kind, './bare-server.ts', {}, logFile)
      return {
        kind,
        baseUrl: s.baseUrl,
        groups: s.groups,
        dispose: async () => void (await s.stop()),
      }
    }
    case 'naive': {
      const queuePrefix = `bench-naive-${randomBytes(4).toString('hex')}`
      const env = { REDIS_URL, QUEUE_PREFIX: queuePrefix, SHOPIFY_SECRET: SANDBOX_SECRET }
      const s = await startScript(kind, './naive-receiver.ts', env, logFile)
      return {
        kind,
        baseUrl: s.baseUrl,
        groups: s.groups,
        queuePrefix,
        dispose: async () => {
          await s.stop()
          await deleteQueuePrefix(queuePrefix)
        },
      }
    }
  }
}

/** Jobs in a target's `inbound` queue, over every state. */
export async function inboundJobs(target: LoadTarget): Promise<Record<string, number>> {
  if (!target.queuePrefix) return {}
  return jobCounts(target.queuePrefix, 'inbound')
}
