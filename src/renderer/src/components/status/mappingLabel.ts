/**
 * What the status bar says about class mapping: a head-tier version already outputs the project's
 * classes (nothing to map), so it says so instead of the pre-filling package's "mapping 0/9".
 */
export function mappingLabel(activeTier: string | null | undefined, summary: { mapped: number; total: number } | null): string | null {
  if (activeTier === 'head') return 'head: project classes'
  return summary ? `mapping ${summary.mapped}/${summary.total} classes` : null
}
