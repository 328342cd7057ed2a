import { spawn, type ChildProcess } from 'node:child_process'
import {
  createConnection,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A TypeScript entry point run in a child process (through tsx), its output captured. */
export interface HubProcess {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** stdout and stderr interleaved as they arrived. */
  readonly output: () => string
  readonly exited: Promise<number | null>
}

/** The real entry point (`src/main.ts`), configured by `env` alone (no accounts file, no token). */
export function spawnHub(args: readonly string[], env: Record<string, string> = {}): HubProcess {
  return spawnTsx('src/main.ts', args, { HUB_CONFIG: '', ADMIN_TOKEN: '', ...env })
}

/** `entry` (a path from the repository root) with `args`, this process's environment plus `env`. */
export function spawnTsx(
  entry: string,
  args: readonly string[],
  env: Record<string, string> = {},
): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    // eslint-disable-next-line no-restricted-properties -- the child needs PATH etc.
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let output = ''
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), (output += d.toString())))
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), (output += d.toString())))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited }
}

/** Resolves with the first output line matching `pattern`, counted from character `from`. */
export async function waitForLine(
  hub: HubProcess,
  pattern: RegExp,
  opts: { timeoutMs?: number; from?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000)
  while (Date.now() < deadline) {
    const line = hub
      .output()
      .slice(opts.from ?? 0)
      .split('\n')
      .find((l) => pattern.test(l))
    if (line) return line
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no line matching ${pattern} in:\n${hub.output()}`)
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Signs of a crash rather than a handled failure: a stack frame or Node's unhandled-error dump. */
export const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)|^\s+at .+:\d+:\d+$|node:internal|Unhandled/m

/**
 * A TCP proxy to `target` that can be stopped (every connection cut, the port refusing) and
 * started again on the same port: a dependency going away and coming back, without touching the
 * shared server behind it.
 */
export interface TcpProxy {
  readonly port: number
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  let stopped = false
  const listen = async () => {
    stopped = false
    server = createServer((client) => {
      // A connection accepted just as the proxy stopped must not slip through to the target.
      if (stopped) {
        client.destroy()
        return
      }
      const upstream = createConnection(target)
      sockets.add(client).add(upstream)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  }
  const stop = async () => {
    if (!server) return
    stopped = true
    const closing = new Promise((resolve) => server!.close(resolve))
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    await closing
    server = undefined
  }
  await listen()
  return { port, stop, start: listen, close: stop }
}
