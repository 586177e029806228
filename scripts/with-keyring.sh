#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring (Secret Service), so
# tests use a real OS keychain without touching the user's own. The keyring lives in a fresh
# temporary XDG_DATA_HOME that is removed afterwards.
# Usage: sh scripts/with-keyring.sh <command> [args...]
set -eu
# Already inside one: reuse it, unless CERTDESK_OWN_KEYRING=1 asks for a private one (the crash loop).
if [ "${CERTDESK_IN_KEYRING_SESSION:-}" = "1" ] && [ "${CERTDESK_OWN_KEYRING:-}" != "1" ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing: install gnome-keyring, dbus and dbus-x11 (see README, Requirements)." >&2
    exit 3
  fi
done
KEYRING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/certdesk-keyring.XXXXXX")
trap 'rm -rf "$KEYRING_HOME"' EXIT INT TERM
export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_CONFIG_HOME="$KEYRING_HOME/config" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export CERTDESK_IN_KEYRING_SESSION=1
# gnome-keyring-daemon can die under many concurrent clients (an upstream race in its unlock
# handling); D-Bus then starts a fresh daemon whose keyring is locked, and every later test fails on
# a prompt nobody can answer. A watchdog reads a probe secret every WATCHDOG_SECONDS and, when the
# answer is missing, replaces the daemon with an unlocked one, so a crash costs a second, not the run.
dbus-run-session -- sh -c '
  WATCHDOG_SECONDS=1
  start_keyring() { printf "%s" "certdesk-test-keyring" | gnome-keyring-daemon "$@" --unlock --components=secrets >/dev/null 2>&1; }
  start_keyring
  printf "%s" alive | secret-tool store --label="CertDesk test watchdog" certdesk-test watchdog 2>/dev/null
  (
    while sleep "$WATCHDOG_SECONDS"; do
      if [ "$(secret-tool lookup certdesk-test watchdog 2>/dev/null)" != alive ]; then
        echo "with-keyring: the Secret Service stopped answering; restarting gnome-keyring unlocked" >&2
        start_keyring --replace
      fi
    done
  ) &
  watchdog=$!
  set +e
  "$@"
  status=$?
  kill "$watchdog" 2>/dev/null
  exit "$status"
' sh "$@"
