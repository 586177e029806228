import { describe, expect, it } from 'vitest'
import { DEFAULT_WEB_PORT, parseWebArgs, WebArgsError } from '../../../src-main/web/args'

describe('parseWebArgs', () => {
  it('defaults to 127.0.0.1, the default port, the default data folder and opening the browser', () => {
    expect(parseWebArgs([])).toEqual({
      port: null,
      host: '127.0.0.1',
      dataDir: null,
      open: true,
      help: false,
    })
    expect(DEFAULT_WEB_PORT).toBe(4780)
  })

  it('reads every option, with or without =', () => {
    expect(parseWebArgs(['--port', '0', '--host=::1', '--data-dir', '/tmp/x', '--no-open'])).toEqual({
      port: 0,
      host: '::1',
      dataDir: '/tmp/x',
      open: false,
      help: false,
    })
    expect(parseWebArgs(['--port=8080', '--host', 'localhost']).port).toBe(8080)
  })

  it.each([['0.0.0.0'], ['192.168.1.10'], ['example.com'], ['::']])(
    'refuses a non-loopback host %s',
    (host) => {
      expect(() => parseWebArgs(['--host', host])).toThrow(WebArgsError)
    },
  )

  it.each([['-1'], ['65536'], ['80a'], ['']])('refuses the port "%s"', (port) => {
    expect(() => parseWebArgs(['--port', port])).toThrow(WebArgsError)
  })

  it('refuses unknown options, positionals and missing values with parseArgs messages, as the CLI does', () => {
    expect(() => parseWebArgs(['--open-to-lan'])).toThrow(/Unknown option '--open-to-lan'/)
    expect(() => parseWebArgs(['serve'])).toThrow(/Unexpected argument 'serve'/)
    expect(() => parseWebArgs(['--data-dir'])).toThrow(/Option '--data-dir <value>' argument missing/)
    expect(() => parseWebArgs(['--data-dir='])).toThrow(/--data-dir needs a value/)
    expect(() => parseWebArgs(['--no-open=yes'])).toThrow(WebArgsError)
  })

  it('reads -h as --help', () => {
    expect(parseWebArgs(['-h']).help).toBe(true)
  })
})
