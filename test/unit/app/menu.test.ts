import { describe, expect, it } from 'vitest'
import { buildMenuTemplate } from '../../../src-main/app/menu'

function roles(template: ReturnType<typeof buildMenuTemplate>): string[] {
  return template.flatMap((item) => [
    String(item.role ?? item.label),
    ...(Array.isArray(item.submenu) ? item.submenu.map((s) => String(s.role ?? s.type)) : []),
  ])
}

describe('the application menu (reference E12)', () => {
  it('has no developer tools in a packaged build', () => {
    expect(roles(buildMenuTemplate(false, 'linux'))).not.toContain('toggleDevTools')
    expect(roles(buildMenuTemplate(false, 'darwin'))).not.toContain('toggleDevTools')
    expect(roles(buildMenuTemplate(true, 'linux'))).toContain('toggleDevTools')
  })

  it('keeps the edit menu so copy and paste work on macOS', () => {
    expect(roles(buildMenuTemplate(false, 'darwin'))).toContain('editMenu')
    expect(roles(buildMenuTemplate(false, 'darwin'))).toContain('appMenu')
  })
})
