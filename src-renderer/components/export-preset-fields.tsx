import { useId } from 'react'
import { ExportPasswordFields } from './export-password-fields'
import { ProfilePicker } from './export-format-fields'
import type { ChainShape, PresetInfo, PresetState, PresetsInfo, ServerPreset } from './export-plan'
import { Icon } from './icons'

type Update = (patch: Partial<PresetState>) => void

/** The file set in a few words, for the picker; the full description shows once chosen. */
const SHORT: Readonly<Record<ServerPreset, string>> = {
  nginx: 'Full chain and key: .fullchain.pem, .key',
  apache: 'Certificate, .ca-bundle and .key',
  iis: 'One .pfx with key and chain',
  tomcat: 'One PKCS#12 keystore (.p12)',
  haproxy: 'One .pem: chain and key together',
}

function PresetOption({
  p,
  selected,
  onSelect,
}: {
  p: PresetInfo
  selected: boolean
  onSelect: () => void
}) {
  const id = useId()
  return (
    <label className={`option-row${selected ? ' is-selected' : ''}`}>
      <input
        type="radio"
        name="export-preset"
        value={p.id}
        checked={selected}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onChange={onSelect}
      />
      <span className="option-row-title" id={`${id}-title`}>
        {p.label}
      </span>
      <span className="option-row-text" id={`${id}-text`}>
        {SHORT[p.id]}
      </span>
    </label>
  )
}

function UnencryptedWarning() {
  return (
    <div className="notice notice-warning" role="note">
      <Icon name="alert" className="notice-icon" />
      <div className="notice-body">
        <strong className="notice-title">The private key is written unencrypted</strong>
        <p className="notice-text">
          The server can start on its own, and anyone who can read the key file can impersonate it. CertDesk
          writes it with mode 0600; keep it that way on the server and delete the exported copy afterwards.
        </p>
      </div>
    </div>
  )
}

/**
 * The "Server preset" side of the export dialog: pick the server, then only what that server needs
 * asked (a password for PKCS#12, key encryption or an explicit "unencrypted" for PEM servers).
 */
export function ExportPresetFields({
  state,
  choose,
  update,
  presets,
  profiles,
  shape,
  disabled,
}: {
  state: PresetState
  choose: (preset: ServerPreset) => void
  update: Update
  presets: readonly PresetInfo[]
  profiles: PresetsInfo['profiles'] | undefined
  shape: ChainShape
  disabled: boolean
}) {
  const ids = useId()
  const info = presets.find((p) => p.id === state.preset)
  return (
    <div className="export-grid">
      <fieldset className="export-choices" disabled={disabled}>
        <legend className="visually-hidden">Server</legend>
        <p className="option-group-title">Server</p>
        {presets.map((p) => (
          <PresetOption key={p.id} p={p} selected={state.preset === p.id} onSelect={() => choose(p.id)} />
        ))}
      </fieldset>

      <div className="export-options">
        {info ? (
          <div className="preset-summary">
            <strong>{info.label}:</strong> {info.description}
          </div>
        ) : null}
        <fieldset className="option-section" disabled={disabled}>
          <legend className="option-section-title">Chain</legend>
          <label className="check-line">
            <input
              type="checkbox"
              checked={state.includeRoot}
              disabled={!shape.rootKnown}
              aria-describedby={`${ids}-root-hint`}
              onChange={(e) => update({ includeRoot: e.target.checked })}
            />
            Include the root
          </label>
          <p className="field-hint" id={`${ids}-root-hint`}>
            {shape.rootKnown
              ? 'Usually left out: clients already have the root, and sending it only adds bytes.'
              : 'The root of this chain is not known to CertDesk or this system.'}
          </p>
        </fieldset>

        {info?.password === 'required' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Protection</legend>
            {info.defaultProfile ? (
              <ProfilePicker value={state.profile} onChange={(p) => update({ profile: p })} profiles={profiles} />
            ) : null}
            <ExportPasswordFields
              idBase={`${ids}-preset`}
              password={state.password}
              confirm={state.confirm}
              onPassword={(v) => update({ password: v })}
              onConfirm={(v) => update({ confirm: v })}
              hint={
                state.preset === 'tomcat'
                  ? 'Goes into server.xml as certificateKeystorePassword. ASCII only: Java refuses other characters.'
                  : 'Asked for when the file is imported on the server. CertDesk does not store it.'
              }
              warnNonAscii={state.preset !== 'tomcat'}
            />
          </fieldset>
        ) : null}

        {info?.password === 'optional' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Private key protection</legend>
            {state.unencryptedKey ? null : (
              <ExportPasswordFields
                idBase={`${ids}-preset-key`}
                password={state.password}
                confirm={state.confirm}
                onPassword={(v) => update({ password: v })}
                onConfirm={(v) => update({ confirm: v })}
                hint={`The key is encrypted; ${info.label} then needs this password at every start (a password file or a prompt).`}
                warnNonAscii={false}
              />
            )}
            <label className="check-line check-line-danger">
              <input
                type="checkbox"
                checked={state.unencryptedKey}
                onChange={(e) => update({ unencryptedKey: e.target.checked })}
              />
              Write the key unencrypted
            </label>
            {state.unencryptedKey ? <UnencryptedWarning /> : null}
          </fieldset>
        ) : null}

        {info?.password === 'plain' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Private key protection</legend>
            <p className="field-hint">{info.label} cannot read an encrypted private key.</p>
            <label className="check-line check-line-danger">
              <input
                type="checkbox"
                checked={state.unencryptedKey}
                onChange={(e) => update({ unencryptedKey: e.target.checked })}
              />
              Write the key unencrypted
            </label>
            {state.unencryptedKey ? <UnencryptedWarning /> : null}
          </fieldset>
        ) : null}
      </div>
    </div>
  )
}
