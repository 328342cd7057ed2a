// Child processes for the benchmark: spawn with logs to a file, wait for readiness, stop gracefully.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Child {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>
  /** Sends a signal (e.g. SIGINT, which makes wrk stop and print its results) if still running. */
  signal(signal: NodeJS.Signals): void
  /**
   * SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited and
   * its output is in the log file. Also the way to release a child that exited by itself.
   */
  stop(graceMs?: number): Promise<number | string>
}

/** Children not yet stopped, so that an interrupted run can still stop them. */
export const liveChildren = new Set<Child>()

export function spawnChild(opts: {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly logFile: string
}): Child {
  const log = createWriteStream(opts.logFile, { flags: 'a' })
  const proc: ChildProcess = spawn(opts.command, [...opts.args], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout?.pipe(log, { end: false })
  proc.stderr?.pipe(log, { end: false })
  let done = false
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      done = true
      resolve(code ?? signal ?? 'unknown')
    })
    proc.once('error', (err) => {
      done = true
      log.write(`\n[bench] failed to spawn ${opts.command}: ${err.message}\n`)
      resolve('spawn-error')
    })
  })
  // 'close' comes once the child's stdout and stderr have ended, after 'exit'.
  const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()))
  if (proc.pid === undefined) throw new Error(`could not spawn ${opts.name} (${opts.command})`)
  let stopping: Promise<number | string> | undefined
  const child: Child = {
    name: opts.name,
    pid: proc.pid,
    logFile: opts.logFile,
    exited,
    signal(signal) {
      if (!done) proc.kill(signal)
    },
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        liveChildren.delete(child)
        // A child paused with SIGSTOP (the memory run throttles wrk so) acts on SIGTERM only once
        // continued.
        if (!done) proc.kill('SIGCONT')
        if (!done) proc.kill('SIGTERM')
        const killer = setTimeout(() => {
          if (!done) proc.kill('SIGKILL')
        }, graceMs)
        const code = await exited
        clearTimeout(killer)
        // Let the piped output reach the log (bounded: a grandchild could hold the pipe open).
        await Promise.race([closed, sleep(2_000)])
        await new Promise<void>((resolve) => log.end(() => resolve()))
        return code
      })()
      return stopping
    },
  }
  liveChildren.add(child)
  return child
}

/** Polls `url` until it answers 200; fails early if the child exits, or after `timeoutMs`. */
export async function waitForReady(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  let exitedWith: number | string | undefined
  void child.exited.then((code) => (exitedWith = code))
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) break
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (res.status === 200) return
      last = `HTTP ${res.status}: ${await res.text()}`
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await sleep(100)
  }
  const why = exitedWith !== undefined ? `exited with ${exitedWith}` : `not ready (${last})`
  throw new Error(`${child.name} ${why}; last log lines:\n${tail(child.logFile, 30)}`)
}

/** Polls the child's log until a line contains `text`; fails early if it exits, or after `timeoutMs`. */
export async function waitForLogLine(
  child: Child,
  text: string,
  timeoutMs = 30_000,
): Promise<void> {
  let exitedWith: number | string | undefined
  void child.exited.then((code) => (exitedWith = code))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && exitedWith === undefined) {
    try {
      if (readFileSync(child.logFile, 'utf8').includes(text)) return
    } catch {
      // not written yet
    }
    await sleep(100)
  }
  const why = exitedWith !== undefined ? `exited with ${exitedWith}` : `never logged ${text}`
  throw new Error(`${child.name} ${why}; last log lines:\n${tail(child.logFile, 30)}`)
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function runToCompletion(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, [...args], { stdio: 'inherit' })
    proc.once('error', reject)
    proc.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    )
  })
}
