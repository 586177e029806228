import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ app: {}, utilityProcess: {} }))
const { cliModeArgs } = await import('../../../src-main/app/cli-mode')

describe('when the app binary runs the command line (--cli)', () => {
  it('packaged: the arguments after --cli, the binary itself left out', () => {
    expect(cliModeArgs(['/opt/CertDesk/certdesk', '--cli', 'certs', 'expiring', '--json'], true)).toEqual(['certs', 'expiring', '--json'])
  })

  it('from a checkout (electron <app folder> --cli ...): the app folder is left out too', () => {
    expect(cliModeArgs(['/x/electron', '/src/certdesk', '--cli', 'doctor'], false)).toEqual(['doctor'])
  })

  it("Chromium switches a launcher puts first are Chromium's; everything after --cli is the CLI's", () => {
    expect(cliModeArgs(['/opt/CertDesk/certdesk', '--ozone-platform=headless', '--cli', '--data-dir', '/d', 'keys', 'list', '--cli'], true)).toEqual(['--data-dir', '/d', 'keys', 'list', '--cli'])
  })

  it('the desktop app otherwise: no --cli, or --cli only after a file or URL the app was opened with', () => {
    expect(cliModeArgs(['/opt/CertDesk/certdesk'], true)).toBeNull()
    expect(cliModeArgs(['/opt/CertDesk/certdesk', '--no-sandbox'], true)).toBeNull()
    expect(cliModeArgs(['/opt/CertDesk/certdesk', '/home/u/site.pfx', '--cli'], true)).toBeNull()
    expect(cliModeArgs(['/x/electron', '/src/certdesk'], false)).toBeNull()
  })

  it('--cli alone runs the CLI without arguments (its usage)', () => {
    expect(cliModeArgs(['/opt/CertDesk/certdesk', '--cli'], true)).toEqual([])
  })
})
