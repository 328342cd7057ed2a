import { isDeepStrictEqual } from 'node:util'

export interface JsonDiff {
  /** Paths present only after, with their new value. */
  readonly added: { readonly path: string; readonly after: unknown }[]
  /** Paths present only before, with their old value. */
  readonly removed: { readonly path: string; readonly before: unknown }[]
  /** Paths present in both with different values (leaves, or values whose kind changed). */
  readonly changed: { readonly path: string; readonly before: unknown; readonly after: unknown }[]
}

/**
 * The difference between two JSON values, as paths like `order.lines[0].sku`. Objects compare by
 * key and arrays by index, recursively; anything else (or a change of kind) is one changed path.
 */
export function diffJson(before: unknown, after: unknown, path = ''): JsonDiff {
  const diff: JsonDiff = { added: [], removed: [], changed: [] }
  walk(before, after, path, diff)
  return diff
}

function walk(before: unknown, after: unknown, path: string, diff: JsonDiff): void {
  if (isDeepStrictEqual(before, after)) return
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const at = `${path}[${i}]`
      if (i >= after.length) diff.removed.push({ path: at, before: before[i] })
      else if (i >= before.length) diff.added.push({ path: at, after: after[i] })
      else walk(before[i], after[i], at, diff)
    }
    return
  }
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const at = path ? `${path}.${key}` : key
      if (!(key in after)) diff.removed.push({ path: at, before: before[key] })
      else if (!(key in before)) diff.added.push({ path: at, after: after[key] })
      else walk(before[key], after[key], at, diff)
    }
    return
  }
  diff.changed.push({ path: path || '$', before, after })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
