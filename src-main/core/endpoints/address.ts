import { CoreError } from '../errors'
import { normalizeIp } from '../pki/ip-address'
import { isIpAddress, isValidDnsName } from '../pki/names'
import type { EndpointAddress, EndpointProtocol } from './types'

/** Ports whose protocol starts in plain text and upgrades with STARTTLS (RFC 3207, 3501, 2595). */
export const STARTTLS_PORTS: Readonly<Record<number, EndpointProtocol>> = { 25: 'smtp', 587: 'smtp', 143: 'imap', 110: 'pop3' }
export const DEFAULT_PORT = 443

/** The protocol a port implies: STARTTLS for SMTP, IMAP and POP3 ports, TLS from the first byte otherwise. */
export function protocolForPort(port: number): EndpointProtocol {
  return STARTTLS_PORTS[port] ?? 'tls'
}

export interface AddressInput {
  host: string
  port?: number
  sni?: string | null
  protocol?: EndpointProtocol
}

function hostOrIp(raw: string, what: string): string {
  const bare = raw.trim().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase()
  if (isIpAddress(bare) !== 0) return normalizeIp(bare) ?? bare
  if (bare.startsWith('*.')) throw new CoreError('invalid_input', `${what} "${raw}" is a wildcard; give the name of one server (e.g. www${bare.slice(1)}).`)
  if (!isValidDnsName(bare)) throw new CoreError('invalid_input', `${what} "${raw.slice(0, 100)}" is not a host name or IP address.`)
  return bare
}

/** Checks and normalises an endpoint: lower-case host, port 1..65535, SNI a DNS name, protocol from the port unless given. */
export function normaliseAddress(input: AddressInput): EndpointAddress {
  const host = hostOrIp(input.host, 'The host')
  const port = input.port ?? DEFAULT_PORT
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CoreError('invalid_input', `The port ${port} is not between 1 and 65535.`)
  let sni: string | null = null
  if (input.sni !== undefined && input.sni !== null && input.sni.trim() !== '') {
    sni = hostOrIp(input.sni, 'The server name (SNI)')
    if (isIpAddress(sni) !== 0) throw new CoreError('invalid_input', 'The server name (SNI) must be a DNS name; TLS does not send IP addresses as server names (RFC 6066).')
    if (sni === host) sni = null
  }
  return { host, port, sni, protocol: input.protocol ?? protocolForPort(port) }
}

/**
 * One endpoint as typed by a person: `host`, `host:port`, `[2001:db8::1]:993`, a bare IPv6 address, or
 * a URL (`https://host:8443/...`, `smtp://host`); anything after the authority is ignored.
 */
export function parseEndpointText(text: string): AddressInput {
  let t = text.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(t)
  const schemePorts: Record<string, number> = { https: 443, smtp: 25, submission: 587, imap: 143, imaps: 993, pop3: 110, pop3s: 995, smtps: 465, ldaps: 636 }
  let port: number | undefined
  if (scheme) {
    port = schemePorts[(scheme[1] ?? '').toLowerCase()]
    t = t.slice(scheme[0].length).split(/[/?#]/)[0] ?? ''
  }
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(t)
  if (bracketed) return { host: bracketed[1] ?? '', ...(bracketed[2] ? { port: Number(bracketed[2]) } : port ? { port } : {}) }
  if (t.indexOf(':') !== t.lastIndexOf(':')) return { host: t, ...(port ? { port } : {}) }
  const m = /^(.*):(\d{1,5})$/.exec(t)
  if (m) return { host: m[1] ?? '', port: Number(m[2]) }
  return { host: t, ...(port ? { port } : {}) }
}

/** "host:port" for messages, with the SNI name when it differs and the protocol when it is STARTTLS. */
export function endpointLabel(a: EndpointAddress): string {
  const host = isIpAddress(a.host) === 6 ? `[${a.host}]` : a.host
  return `${host}:${a.port}${a.sni ? ` (${a.sni})` : ''}${a.protocol !== 'tls' ? ` ${a.protocol.toUpperCase()} STARTTLS` : ''}`
}
