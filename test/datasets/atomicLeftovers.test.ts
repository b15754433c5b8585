import { spawnSync } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanStaleSiblings, writeAtomically } from '../../src/main/core/datasets/export/atomic'
import { removeDir, tempDir } from './helpers'

let work = ''
let deadPid = 0
beforeAll(async () => {
  work = await tempDir()
  // a pid that existed and has exited: what a SIGKILLed exporter leaves in the sibling names
  deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
})
afterAll(() => removeDir(work))

async function folder(path: string, file: string, text: string): Promise<void> {
  await mkdir(path, { recursive: true })
  await writeFile(join(path, file), text)
}

describe('leftovers of a killed export', () => {
  it('the next export to the target removes temp folders of dead writers and keeps live ones', async () => {
    const target = join(work, 'out')
    const dead = `${target}.tmp-${deadPid}-0123456789ab`
    const live = `${target}.tmp-${process.pid}-ba9876543210`
    const other = join(work, 'other.tmp-1-0123456789ab')
    await folder(dead, 'half.png', 'x')
    await folder(live, 'busy.png', 'x')
    await folder(other, 'keep', 'x')
    await writeAtomically(target, {}, async (tmp) => writeFile(join(tmp, 'done.txt'), 'new'))
    const names = (await readdir(work)).sort()
    expect(names).toContain('out')
    expect(names).not.toContain(`out.tmp-${deadPid}-0123456789ab`)
    expect(names).toContain(`out.tmp-${process.pid}-ba9876543210`)
    expect(names).toContain('other.tmp-1-0123456789ab')
    expect(await readFile(join(target, 'done.txt'), 'utf8')).toBe('new')
  })

  it('puts back an old export set aside when the kill came between the two renames', async () => {
    const target = join(work, 'swapped')
    const old = `${target}.old-${deadPid}-00112233aabb`
    await folder(old, 'train.txt', 'previous export')
    const removed = await cleanStaleSiblings(target)
    expect(removed).toEqual([])
    expect(await readFile(join(target, 'train.txt'), 'utf8')).toBe('previous export')
    expect(await readdir(work)).not.toContain(`swapped.old-${deadPid}-00112233aabb`)
  })

  it('drops an old export set aside once the new target is in place', async () => {
    const target = join(work, 'replaced')
    await folder(target, 'train.txt', 'new export')
    await folder(`${target}.old-${deadPid}-aabbccddeeff`, 'train.txt', 'previous export')
    expect(await cleanStaleSiblings(target)).toEqual([`${target}.old-${deadPid}-aabbccddeeff`])
    expect(await readFile(join(target, 'train.txt'), 'utf8')).toBe('new export')
  })
})
