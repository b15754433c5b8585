/** Copy-or-link of dataset files: RGB/thermal are never re-encoded when the layout keeps their container. */
import { copyFile, link } from 'node:fs/promises'
import { extname } from 'node:path'

export class FilePlacer {
  private linkWorks: boolean
  constructor(tryLinks = true) {
    this.linkWorks = tryLinks
  }
  /** Hard-links when source and target share a file system, else copies (EXDEV and friends). */
  async place(src: string, dst: string): Promise<void> {
    if (this.linkWorks) {
      try {
        await link(src, dst)
        return
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EACCES') throw err
        this.linkWorks = false
      }
    }
    await copyFile(src, dst)
  }
}

/** Extension of the source file (".png" when it has none), so copies keep their container. */
export function extOf(p: string): string {
  return extname(p) || '.png'
}
