import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../src/logger.js'

/** A logger whose JSON lines are kept, parsed, for a test to read back. */
export function capturedLog(level: 'debug' | 'info' | 'warn'): {
  readonly log: Logger
  readonly lines: Record<string, unknown>[]
} {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { log: createLogger({ level }, sink), lines }
}
