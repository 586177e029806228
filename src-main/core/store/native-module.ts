/**
 * What a native addon file (`.node`) was built for, read from its bytes without loading it: the
 * binary format and CPU, and whether it is a Node-API addon (one build serves every Node and Electron
 * of a platform) or a V8-API one (built for exactly one NODE_MODULE_VERSION: Node 20 is 115, Node 24
 * 137, Electron 45 150). Loading the wrong file kills a process with a dlopen error that names neither
 * the file's purpose nor the fix; reading it first lets CertDesk say both.
 */

export type NativeFormat = 'elf' | 'mach-o' | 'mach-o-universal' | 'pe' | 'unknown'
/** process.arch names, so a file can be compared with the running process directly. */
export type NativeArch = 'x64' | 'arm64' | 'ia32' | 'arm' | 'other'

export type NativeInterface = { kind: 'node-api' } | { kind: 'v8-abi'; abi: number } | { kind: 'unknown' }

export interface NativeModuleInfo {
  format: NativeFormat
  /** null for formats that hold several (universal Mach-O) or none we know. */
  arch: NativeArch | null
  interface: NativeInterface
}

/** The running process, as far as loading an addon is concerned (process.* in production). */
export interface NativeRuntime {
  platform: NodeJS.Platform
  arch: string
  /** process.versions.modules: the V8-API ABI this runtime loads. */
  modules: string
  /** process.versions.napi: the highest Node-API version it offers. */
  napi: string | undefined
  /** process.versions.electron when this is Electron. */
  electron?: string | undefined
}

export function currentRuntime(): NativeRuntime {
  return { platform: process.platform, arch: process.arch, modules: process.versions.modules, napi: process.versions.napi, electron: process.versions.electron }
}

/** "Electron 45.6.1 (ABI 150)" / "Node 24.22.3 (ABI 137)": how messages name a runtime. */
export function describeRuntime(r: NativeRuntime, nodeVersion: string = process.versions.node): string {
  return r.electron ? `Electron ${r.electron} (ABI ${r.modules})` : `Node ${nodeVersion} (ABI ${r.modules})`
}

const ELF_MACHINES: Readonly<Record<number, NativeArch>> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' }
const MACHO_CPUS: Readonly<Record<number, NativeArch>> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 0x07: 'ia32', 0x0c: 'arm' }
const PE_MACHINES: Readonly<Record<number, NativeArch>> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32', 0x01c4: 'arm' }

/** The platforms whose loader reads each format. */
const FORMAT_PLATFORMS: Readonly<Record<Exclude<NativeFormat, 'unknown'>, readonly NodeJS.Platform[]>> = {
  elf: ['linux', 'freebsd', 'openbsd', 'sunos', 'android'],
  'mach-o': ['darwin'],
  'mach-o-universal': ['darwin'],
  pe: ['win32', 'cygwin'],
}

/**
 * The registration symbols name the interface: Node-API addons export `napi_register_module_v1`,
 * V8-API addons `node_register_module_v<ABI>`. ELF and Mach-O keep symbol names as plain text, PE
 * its export names, so a byte search finds them in all three.
 */
export function inspectNativeModule(bytes: Uint8Array): NativeModuleInfo {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // Searched in the bytes, the Node-API symbol first (it sits near the start of the symbol table): decoding
  // a 2 MB engine as text, then scanning all of it, cost about 20 ms of every CLI start (issue 15).
  const iface: NativeInterface = b.includes(NAPI_REGISTER) ? { kind: 'node-api' } : v8Interface(b)
  return { ...formatAndArch(b), interface: iface }
}

const NAPI_REGISTER = Buffer.from('napi_register_module_v1', 'latin1')
const V8_REGISTER = Buffer.from('node_register_module_v', 'latin1')
/** NODE_MODULE_VERSION is written with 2 to 4 digits after the symbol's name. */
const ABI_DIGITS = { min: 2, max: 4 }

/** A V8-API addon: the NODE_MODULE_VERSION of its first `node_register_module_vNN` symbol. */
function v8Interface(b: Buffer): NativeInterface {
  for (let at = b.indexOf(V8_REGISTER); at !== -1; at = b.indexOf(V8_REGISTER, at + 1)) {
    const start = at + V8_REGISTER.length
    let end = start
    while (end - start < ABI_DIGITS.max && end < b.length && (b[end] ?? 0) >= 0x30 && (b[end] ?? 0) <= 0x39) end++
    if (end - start >= ABI_DIGITS.min) return { kind: 'v8-abi', abi: Number(b.toString('latin1', start, end)) }
  }
  return { kind: 'unknown' }
}

function formatAndArch(b: Buffer): Pick<NativeModuleInfo, 'format' | 'arch'> {
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b[5] === 2 ? b.readUInt16BE(18) : b.readUInt16LE(18)
    return { format: 'elf', arch: ELF_MACHINES[machine] ?? 'other' }
  }
  if (b.length >= 8 && (b.readUInt32LE(0) === 0xfeedfacf || b.readUInt32LE(0) === 0xfeedface)) {
    return { format: 'mach-o', arch: MACHO_CPUS[b.readUInt32LE(4)] ?? 'other' }
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xcafebabe) return { format: 'mach-o-universal', arch: null }
  if (b.length >= 0x40 && b.readUInt16BE(0) === 0x4d5a) {
    const pe = b.readUInt32LE(0x3c)
    if (pe + 6 <= b.length && b.readUInt32BE(pe) === 0x50450000) return { format: 'pe', arch: PE_MACHINES[b.readUInt16LE(pe + 4)] ?? 'other' }
  }
  return { format: 'unknown', arch: null }
}

/**
 * Why `runtime` cannot load an addon like `info`, in words a user can act on, or null when it can as
 * far as the file tells (a Node-API addon's minimum Node-API version is only known once loaded).
 */
export function nativeMismatch(info: NativeModuleInfo, runtime: NativeRuntime): string | null {
  if (info.format === 'unknown') return 'it is not a native library for any system CertDesk runs on'
  if (!FORMAT_PLATFORMS[info.format].includes(runtime.platform)) return `it is a ${FORMAT_NAMES[info.format]} library, built for another operating system than ${runtime.platform}`
  if (info.arch !== null && info.arch !== runtime.arch) return `it is built for ${info.arch} processors and this is ${runtime.arch}`
  if (info.interface.kind === 'v8-abi' && String(info.interface.abi) !== runtime.modules) {
    return `it is built for NODE_MODULE_VERSION ${info.interface.abi} (${abiName(info.interface.abi)}) and this runtime needs ${runtime.modules}`
  }
  return null
}

const FORMAT_NAMES: Readonly<Record<Exclude<NativeFormat, 'unknown'>, string>> = { elf: 'Linux (ELF)', 'mach-o': 'macOS (Mach-O)', 'mach-o-universal': 'macOS (Mach-O)', pe: 'Windows (PE)' }

/** The ABIs CertDesk's users meet, named; others by number only. */
const KNOWN_ABIS: Readonly<Record<number, string>> = { 115: 'Node 20', 127: 'Node 22', 137: 'Node 24', 150: 'Electron 45' }

function abiName(abi: number): string {
  return KNOWN_ABIS[abi] ?? 'another Node or Electron'
}
