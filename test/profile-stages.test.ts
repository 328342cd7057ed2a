// The capacity figures' CPU per stage (bench/profile-stages.ts): a sample goes to the innermost
// stage on its stack, samples outside the window and idle ones are left out, and samples with no
// stage above them are named by what runs in them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { profileStages } from '../bench/profile-stages.js'

const dir = mkdtempSync(join(tmpdir(), 'profile-stages-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const hub = (path: string) => `file:///srv/hub/dist/${path}`
const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url },
  children,
})

/** root → relay → pg (relay); root → intake → delivery code (relay: the innermost); leftovers. */
const NODES = [
  frame(1, '(root)', '', [2, 4, 6, 7, 8, 9]),
  frame(2, 'relayBatch', hub('src/pipeline/relay.js'), [3]),
  frame(3, 'query', 'file:///srv/hub/node_modules/pg/lib/client.js'),
  frame(4, 'receive', hub('src/pipeline/receive-webhook.js'), [5]),
  frame(5, 'sign', hub('src/delivery/sign.js')),
  frame(6, 'parseMessage', 'file:///srv/hub/node_modules/pg-protocol/dist/parser.js'),
  frame(7, '(garbage collector)', ''),
  frame(8, '(idle)', ''),
  frame(9, 'onread', 'node:internal/stream_base_commons'),
]

function profile(samples: number[], startTime = 1_000): string {
  const file = join(dir, `p-${samples.join('')}-${startTime}.cpuprofile`)
  const body = { nodes: NODES, startTime, samples, timeDeltas: samples.map(() => 100) }
  writeFileSync(file, JSON.stringify(body))
  return file
}

describe('profileStages', () => {
  it('gives each busy sample to the innermost stage on its stack, else to what runs in it', () => {
    const file = profile([3, 3, 5, 6, 7, 8, 8, 9])
    const { samples, shares, windowed } = profileStages(file, 0, 10_000)
    expect(windowed).toBe(true)
    expect(samples).toBe(6)
    expect(shares).toEqual({
      'relay and deliver': 3 / 6,
      'PostgreSQL client (answers parsed, no stage on the stack)': 1 / 6,
      'garbage collection': 1 / 6,
      'runtime (sockets, HTTP parser, timers, native)': 1 / 6,
    })
  })

  it('counts only the samples taken inside the window', () => {
    // Samples at 1,100, 1,200, 1,300, 1,400 µs.
    const file = profile([3, 6, 6, 3])
    expect(profileStages(file, 1_150, 1_350).shares).toEqual({
      'PostgreSQL client (answers parsed, no stage on the stack)': 1,
    })
  })

  it('counts the whole profile, and says so, when no sample falls in the window', () => {
    const result = profileStages(profile([3, 6]), 50_000, 60_000)
    expect(result.windowed).toBe(false)
    expect(result.samples).toBe(2)
  })
})
