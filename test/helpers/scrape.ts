/** The value of one sample in a `/metrics` text, e.g. `hub_queue_jobs{queue="inbound",state="waiting"}`. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}
