// Recorded webhook deliveries under fixtures/<channel>/<topic-slug>/<case>.json, each with its
// golden normalizer output beside it as <case>.expected.json (see fixtures/README.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { ChannelId } from '../../src/events/index.js'
import { parseJsonBody } from '../../src/json.js'

/** One recorded delivery: the exact body bytes (as a string) and the headers minus signatures. */
export interface RecordedWebhook {
  /** `<topic-slug>/<case>`, e.g. `orders-create/basic`. */
  name: string
  /** Absolute path of the envelope file. */
  path: string
  /** Absolute path of the golden output beside it (`<case>.expected.json`). */
  expectedPath: string
  channel: string
  topic: string
  headers: Record<string, string>
  body: string
  /**
   * For thin webhooks: what the channel's API answered for each hydration need, by
   * `hydrationKey` (e.g. `order:5764…`), parsed like a body (ids beyond 2^53 stay strings).
   */
  hydrated?: Record<string, unknown>
}

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const EXPECTED_SUFFIX = '.expected.json'
/** Signatures must never be committed; tests sign at test time with a test secret. */
const SIGNATURE_HEADER = /hmac|signature/i

const Envelope = z.object({
  channel: z.string().min(1),
  topic: z.string().min(1),
  capturedAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  hydrated: z.record(z.string(), z.unknown()).optional(),
})

/** Every fixture of a channel, sorted by name; golden outputs are not fixtures. */
export function listFixtures(channel: ChannelId): RecordedWebhook[] {
  const root = join(FIXTURES_DIR, channel)
  if (!existsSync(root)) throw new Error(`no fixtures for ${channel}: ${root} does not exist`)
  return walk(root)
    .filter((file) => file.endsWith('.json') && !file.endsWith(EXPECTED_SUFFIX))
    .map((file) => read(channel, file))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** One fixture by name, e.g. `loadFixture('shopify', 'orders-create/basic')`. */
export function loadFixture(channel: ChannelId, name: string): RecordedWebhook {
  return read(channel, join(FIXTURES_DIR, channel, `${name}.json`))
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name)
    return entry.isDirectory() ? walk(full) : [full]
  })
}

function read(channel: ChannelId, file: string): RecordedWebhook {
  const name = relative(join(FIXTURES_DIR, channel), file)
    .split(sep)
    .join('/')
    .replace(/\.json$/, '')
  // Parsed as the hub parses bodies, so ids beyond 2^53 in `hydrated` records stay exact.
  const parsed = Envelope.safeParse(parseJsonBody(readFileSync(file, 'utf8')))
  if (!parsed.success)
    throw new Error(`fixture ${channel}/${name}: ${z.prettifyError(parsed.error)}`)
  const envelope = parsed.data
  if (envelope.channel !== channel) {
    throw new Error(`fixture ${channel}/${name}: channel is ${envelope.channel}`)
  }
  const signed = Object.keys(envelope.headers).find((header) => SIGNATURE_HEADER.test(header))
  if (signed) throw new Error(`fixture ${channel}/${name}: remove the ${signed} header`)
  return {
    name,
    path: file,
    expectedPath: file.replace(/\.json$/, EXPECTED_SUFFIX),
    channel: envelope.channel,
    topic: envelope.topic,
    headers: envelope.headers,
    body: envelope.body,
    ...(envelope.hydrated ? { hydrated: envelope.hydrated } : {}),
  }
}
