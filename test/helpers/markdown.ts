// Reading Markdown pages as GitHub renders them: the docs' link check and the alert rules'
// runbook links both resolve anchors with it.

/** A page without its fenced code blocks, which hold neither links nor headings. */
export function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
}

/**
 * The anchors GitHub gives a page's headings: the heading's text lower-cased, punctuation
 * dropped, each space a hyphen; a repeated heading gets `-1`, `-2`, … (github-slugger's rules).
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const counts = new Map<string, number>()
  for (const [, heading] of withoutFences(markdown).matchAll(
    /^#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/gm,
  )) {
    // The text GitHub renders: a link's text without its target, no emphasis or code marks.
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*`]/g, '')
    const slug = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const seen = counts.get(slug) ?? 0
    counts.set(slug, seen + 1)
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`)
  }
  return anchors
}
