// Builds every icon CertDesk ships from one master, resources/icon.svg (part of `npm run build`):
// - build/icons/icon.icns (macOS), build/icons/icon.ico (Windows), build/icons/png/NxN.png and
//   build/icons/icon.png (Linux): what electron-builder packages (electron-builder.yml).
// - out/icons/tray.png, tray@2x.png and the macOS menu-bar template trayTemplate.png(@2x): loaded by
//   the app at run time (src-main/app/index.ts), so they travel in app.asar with out/.
// SVG -> PNG with @resvg/resvg-js (resvg, a complete SVG renderer; prebuilt N-API binaries from npm).
// PNG -> ICO / ICNS with @shockpkg/icon-encoder (pure JS encoders, the entries iconutil writes).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Resvg } from '@resvg/resvg-js'
import { encodeRgbaToPng, IconIcns, IconIco } from '@shockpkg/icon-encoder'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const MASTER = join(ROOT, 'resources', 'icon.svg')
const PACKAGE_DIR = join(ROOT, 'build', 'icons')
const RUNTIME_DIR = join(ROOT, 'out', 'icons')

/** Linux sizes (hicolor theme) and the sources of the Windows and macOS sets. */
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
/** Windows reads 16-256 from an ICO; 256 is stored as PNG, the small ones as BMP for old shells. */
const ICO_SIZES = [256, 128, 64, 48, 32, 24, 16]
/** iconutil's set, in its order: [pixels, type]. */
const ICNS_ENTRIES = [
  [64, 'ic12'], [128, 'ic07'], [256, 'ic13'], [256, 'ic08'], [16, 'ic04'],
  [512, 'ic14'], [512, 'ic09'], [32, 'ic05'], [1024, 'ic10'], [32, 'ic11'],
]
/** Tray icons: 16 pt on macOS and Windows, 22-24 px on Linux panels; @2x for high-density screens. */
const TRAY = 16
const TRAY_LINUX = 24

const svg = readFileSync(MASTER)
const cache = new Map()
function png(size) {
  if (!cache.has(size)) cache.set(size, new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render())
  return cache.get(size)
}

/**
 * A macOS template image: black with the master's shapes in its alpha channel, so the menu bar can
 * tint it for light and dark mode. Light parts of the master (the document) become holes.
 */
async function templatePng(size) {
  const image = png(size)
  const rgba = Buffer.from(image.pixels)
  for (let i = 0; i < rgba.length; i += 4) {
    const luminance = (0.2126 * rgba[i] + 0.7152 * rgba[i + 1] + 0.0722 * rgba[i + 2]) / 255
    rgba[i + 3] = Math.round(rgba[i + 3] * Math.min(1, (1 - luminance) * 1.8))
    rgba[i] = rgba[i + 1] = rgba[i + 2] = 0
  }
  return Buffer.from(await encodeRgbaToPng({ width: image.width, height: image.height, data: rgba }))
}

async function main() {
  mkdirSync(join(PACKAGE_DIR, 'png'), { recursive: true })
  mkdirSync(RUNTIME_DIR, { recursive: true })
  for (const size of PNG_SIZES) writeFileSync(join(PACKAGE_DIR, 'png', `${size}x${size}.png`), png(size).asPng())
  writeFileSync(join(PACKAGE_DIR, 'icon.png'), png(1024).asPng())

  const ico = new IconIco()
  for (const size of ICO_SIZES) await ico.addFromPng(png(size).asPng(), size >= 256 ? true : null)
  writeFileSync(join(PACKAGE_DIR, 'icon.ico'), ico.encode())

  const icns = new IconIcns()
  icns.toc = true
  for (const [size, type] of ICNS_ENTRIES) await icns.addFromPng(png(size).asPng(), [type])
  writeFileSync(join(PACKAGE_DIR, 'icon.icns'), icns.encode())

  writeFileSync(join(RUNTIME_DIR, 'tray.png'), png(TRAY_LINUX).asPng())
  writeFileSync(join(RUNTIME_DIR, 'tray@2x.png'), png(TRAY_LINUX * 2).asPng())
  writeFileSync(join(RUNTIME_DIR, 'trayTemplate.png'), await templatePng(TRAY))
  writeFileSync(join(RUNTIME_DIR, 'trayTemplate@2x.png'), await templatePng(TRAY * 2))
  process.stdout.write(`icons: ${PACKAGE_DIR} (icns, ico, ${PNG_SIZES.length} png) and ${RUNTIME_DIR} (tray)\n`)
}

await main()
