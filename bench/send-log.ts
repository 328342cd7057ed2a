// Reads the per-thread send logs wrk-webhooks.lua writes: "orderId scheduledMicros sentMicros".
import { existsSync, readFileSync } from 'node:fs'

export interface SendLog {
  readonly count: number
  readonly orderIds: Float64Array
  /** When each webhook was due by the schedule (CLOCK_MONOTONIC µs). */
  readonly scheduledUs: Float64Array
  /** When wrk built and wrote it. */
  readonly sentUs: Float64Array
}

export function readSendLog(prefix: string, threads: number): SendLog {
  const lines: string[] = []
  for (let t = 0; t < threads; t++) {
    const file = `${prefix}.${t}`
    if (!existsSync(file)) continue
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line) lines.push(line)
  }
  const orderIds = new Float64Array(lines.length)
  const scheduledUs = new Float64Array(lines.length)
  const sentUs = new Float64Array(lines.length)
  lines.forEach((line, i) => {
    const [id, scheduled, sent] = line.split(' ')
    const values = [Number(id), Number(scheduled), Number(sent)] as const
    orderIds[i] = values[0]
    scheduledUs[i] = values[1]
    sentUs[i] = values[2]
    if (!values.every(Number.isFinite))
      throw new Error(`bad send log line in ${prefix}.*: "${line}"`)
  })
  return { count: lines.length, orderIds, scheduledUs, sentUs }
}
