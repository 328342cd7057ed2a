import { readFileSync } from 'node:fs'

/**
 * The import file's text, or one line saying why it cannot be read. Read before the hub connects
 * to anything, so a typo in the path is reported at once rather than after the database wait.
 */
export function readImportFile(
  path: string,
): { ok: true; text: string } | { ok: false; problem: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') }
  } catch (err) {
    const code = (err as { code?: string }).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (err as Error).message
    return { ok: false, problem: `cannot read ${path}: ${why}` }
  }
}
