import { useId } from 'react'
import { ExportPasswordFields } from './export-password-fields'
import { ProfilePicker } from './export-format-fields'
import type { ChainShape, PresetInfo, PresetState, PresetsInfo, ServerPreset } from './export-plan'
import { IncludeRootCheck } from './include-root-check'
import { KeyProtectionSection } from './key-protection-section'
import { OptionRow } from './option-row'

type Update = (patch: Partial<PresetState>) => void

/** The file set in a few words, for the picker; the full description shows once chosen. */
const SHORT: Readonly<Record<ServerPreset, string>> = {
  nginx: 'Full chain and key: .fullchain.pem, .key',
  apache: 'Certificate, .ca-bundle and .key',
  iis: 'One .pfx with key and chain',
  tomcat: 'One PKCS#12 keystore (.p12)',
  haproxy: 'One .pem: chain and key together',
}

/** Said once "Write the key unencrypted" is chosen for a server's file set. */
const UNENCRYPTED_TITLE = 'The private key is written unencrypted'
const UNENCRYPTED_TEXT =
  'The server can start on its own, and anyone who can read the key file can impersonate it. CertDesk writes it with mode 0600; keep it that way on the server and delete the exported copy afterwards.'

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
          <OptionRow
            key={p.id}
            name="export-preset"
            value={p.id}
            title={p.label}
            text={SHORT[p.id]}
            selected={state.preset === p.id}
            onSelect={() => choose(p.id)}
          />
        ))}
      </fieldset>

      <div className="export-options">
        {info ? (
          <div className="preset-summary">
            <strong>{info.label}:</strong> {info.description}
          </div>
        ) : null}
        {info?.password === 'required' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Protection</legend>
            {info.defaultProfile ? (
              <ProfilePicker value={state.profile} onChange={(p) => update({ profile: p })} profiles={profiles} />
            ) : null}
            <ExportPasswordFields
              idBase={`${ids}-preset`}
              value={state}
              update={update}
              hint={
                state.preset === 'tomcat'
                  ? 'Goes into server.xml as certificateKeystorePassword. ASCII only: Java refuses other characters.'
                  : 'Asked for when the file is imported on the server. CertDesk does not store it.'
              }
              warnNonAscii={state.preset !== 'tomcat'}
            />
          </fieldset>
        ) : null}

        {info?.password === 'optional' || info?.password === 'plain' ? (
          <KeyProtectionSection
            idBase={`${ids}-preset-key`}
            value={state}
            update={update}
            disabled={disabled}
            passwordHint={
              info.password === 'optional'
                ? `The key is encrypted; ${info.label} then needs this password at every start (a password file or a prompt).`
                : null
            }
            note={info.password === 'plain' ? `${info.label} cannot read an encrypted private key.` : undefined}
            warningTitle={UNENCRYPTED_TITLE}
            warning={UNENCRYPTED_TEXT}
          />
        ) : null}
        <fieldset className="option-section" disabled={disabled}>
          <legend className="option-section-title">Chain</legend>
          <IncludeRootCheck
            checked={state.includeRoot}
            rootKnown={shape.rootKnown}
            onChange={(v) => update({ includeRoot: v })}
            knownHint="Usually left out: clients already have the root, and sending it only adds bytes."
            unknownHint="The root of this chain is not known to CertDesk or this system."
          />
        </fieldset>
      </div>
    </div>
  )
}
