import { ExportPasswordFields } from './export-password-fields'
import { Notice } from './notice'

interface KeyProtection {
  password: string
  confirm: string
  unencryptedKey: boolean
}

/**
 * "Private key protection" for a file with the key in it: a password that encrypts the key, or the
 * explicit choice to write it unencrypted and, once chosen, what that means.
 */
export function KeyProtectionSection({
  idBase,
  value,
  update,
  disabled,
  passwordHint,
  note,
  warningTitle,
  warning,
}: {
  idBase: string
  value: KeyProtection
  update: (patch: Partial<KeyProtection>) => void
  disabled: boolean
  /** Under the password: what it is for. Null where the server cannot read an encrypted key. */
  passwordHint: string | null
  /** Above the choice: why there is no password, where there is none. */
  note?: string
  warningTitle: string
  warning: string
}) {
  return (
    <fieldset className="option-section" disabled={disabled}>
      <legend className="option-section-title">Private key protection</legend>
      {note ? <p className="field-hint">{note}</p> : null}
      {passwordHint !== null && !value.unencryptedKey ? (
        <ExportPasswordFields
          idBase={idBase}
          value={value}
          update={update}
          hint={passwordHint}
          warnNonAscii={false}
        />
      ) : null}
      <label className="check-line check-line-danger">
        <input
          type="checkbox"
          checked={value.unencryptedKey}
          onChange={(e) => update({ unencryptedKey: e.target.checked })}
        />
        Write the key unencrypted
      </label>
      {value.unencryptedKey ? (
        <Notice tone="warning" role="note" title={warningTitle} lines={[warning]} />
      ) : null}
    </fieldset>
  )
}
