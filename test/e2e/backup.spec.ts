import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runBuiltCli } from '../helpers/cli'
import { expect, recordCspViolations, test } from './fixtures'
import { makeKeyAndCsr, openSection, screenshot } from './ui-steps'

const PASSPHRASE = 'backup-pass-e2e'
const SHORT_PASSPHRASE = 'short'
const BACKUP_NAME = 'e2e.cdbackup'

test('a backup made in Settings verifies with the CLI and its passphrase', async ({ page, shell }) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await makeKeyAndCsr(page, 'backup.example.com', 'Backed up')
  await openSection(page, 'Settings')

  const card = page.getByRole('region', { name: 'Backup' })
  await expect(card).toContainText('account passwords are not included')
  await expect(card).toContainText('certdesk backup restore FILE --data-dir NEW --passphrase-file F')
  await expect(card).toContainText(shell.exportDir)
  const form = card.getByRole('form', { name: 'Create a backup' })
  const name = form.getByLabel('File name')
  await expect(name).toHaveValue(/^certdesk-backup-\d{4}-\d{2}-\d{2}\.cdbackup$/)
  await name.fill(BACKUP_NAME)
  const create = form.getByRole('button', { name: 'Create backup' })

  await form.getByLabel('Passphrase', { exact: true }).fill(SHORT_PASSPHRASE)
  await form.getByLabel('Repeat passphrase').fill(SHORT_PASSPHRASE)
  await create.click()
  await expect(form.getByText('Use at least 10 characters.')).toBeVisible()
  await expect(form.getByLabel('Passphrase', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  await form.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await form.getByLabel('Repeat passphrase').fill(`${PASSPHRASE}x`)
  await create.click()
  await expect(form.getByText('The two passphrases differ.')).toBeVisible()
  await expect(form.getByText('Use at least 10 characters.')).toHaveCount(0)
  await screenshot(page, 'settings-backup-refused')
  expect(existsSync(shell.exportDir) ? readdirSync(shell.exportDir) : []).toEqual([])

  await form.getByLabel('Repeat passphrase').fill(PASSPHRASE)
  await create.click()
  const result = card.getByTestId('backup-result')
  const file = join(shell.exportDir, BACKUP_NAME)
  await expect(result).toContainText('Backup written, read back and verified')
  await expect(result).toContainText(file)
  await expect(result).toContainText('mode 0600')
  await expect(result).toContainText(
    '1 private key, 0 certificates, 0 orders; every key decrypted from the written file',
  )
  await expect(form.getByLabel('Passphrase', { exact: true })).toHaveValue('')
  await screenshot(page, 'settings-backup')

  expect(statSync(file).mode & 0o777).toBe(0o600)
  const passphraseFile = join(shell.dataDir, 'backup-passphrase.txt')
  writeFileSync(passphraseFile, PASSPHRASE, { mode: 0o600 })
  const verified = runBuiltCli(['backup', 'verify', file, '--passphrase-file', passphraseFile], {
    dataDir: join(shell.dataDir, 'cli'),
  })
  expect(verified.stderr).toBe('')
  expect(verified.code).toBe(0)
  expect(verified.stdout).toContain(`${file}: a good backup`)
  expect(verified.stdout).toContain('1 key(s), all decrypted')

  // The file is written once: the same name again is refused, and the first backup is untouched.
  await form.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await form.getByLabel('Repeat passphrase').fill(PASSPHRASE)
  const before = statSync(file).mtimeMs
  await create.click()
  await expect(card.getByRole('alert')).toBeVisible()
  expect(statSync(file).mtimeMs).toBe(before)
  expect(await violations()).toEqual([])
})
