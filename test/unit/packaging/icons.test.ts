import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..', '..')
const built = (p: string): string => {
  const file = join(ROOT, p)
  if (!existsSync(file)) throw new Error(`${p} is missing: run \`npm run build\` (it generates the icons) before the unit tests.`)
  return file
}
/** `file(1)` reads the formats independently of the code that wrote them. */
const describeFile = (p: string): string => execFileSync('file', ['-b', built(p)], { encoding: 'utf8' })

describe('the icon set npm run build generates from resources/icon.svg', () => {
  it('has a PNG per Linux size, read back by file(1) at its size', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(describeFile(`build/icons/png/${size}x${size}.png`)).toMatch(new RegExp(`^PNG image data, ${size} x ${size}, 8-bit/color RGBA`))
    }
  })

  it('has a Windows ICO with every size from 16 to 256', () => {
    expect(describeFile('build/icons/icon.ico')).toMatch(/^MS Windows icon resource - 7 icons, 256x256/)
    const ico = readFileSync(built('build/icons/icon.ico'))
    const count = ico.readUInt16LE(4)
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + i * 16) || 256)
    expect(sizes.sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 128, 256])
  })

  it('has a macOS ICNS with the entries iconutil writes, up to 1024 px', () => {
    expect(describeFile('build/icons/icon.icns')).toMatch(/^Mac OS X icon/)
    const icns = readFileSync(built('build/icons/icon.icns'))
    expect(icns.toString('latin1', 0, 4)).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const types: string[] = []
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.toString('latin1', at, at + 4))
    expect(types.sort()).toEqual(['TOC ', 'ic04', 'ic05', 'ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14'])
  })

  it('has the tray icons the app loads at run time, including the macOS template image', () => {
    expect(describeFile('out/icons/tray.png')).toMatch(/^PNG image data, 24 x 24/)
    expect(describeFile('out/icons/trayTemplate.png')).toMatch(/^PNG image data, 16 x 16/)
    expect(describeFile('out/icons/trayTemplate@2x.png')).toMatch(/^PNG image data, 32 x 32/)
  })
})
