import type { Migration } from './index'

/**
 * Alerts and settings (issue 13).
 *
 * - alert_state: one row per alert the core derived (key = kind + subject). `fingerprint` is the state
 *   the alert is in (a certificate "due" then "expired", an order waiting on "dcv" then on
 *   "ev_click_through"); a new fingerprint is a state change, which makes the alert new again. A row
 *   whose condition ended keeps its history with `cleared_at` set. A snooze holds for the fingerprint it
 *   was given on, so a state change ends it.
 * - alert_deliveries: which state of an alert each channel (OS notifications of the desktop app, the
 *   browser's Notification API in the web shell) has shown, so each shows an alert once per state change.
 * - settings: small JSON documents by name ('alerts', 'updates', 'desktop'), validated with zod on read,
 *   so a new field needs no migration and a damaged value falls back to defaults instead of failing.
 */
export const m0008AlertsSettings: Migration = {
  name: '0008-alerts-settings',
  up(db) {
    db.exec(`
      CREATE TABLE alert_state (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        title TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,         -- when the alert entered its current state
        last_seen_at TEXT NOT NULL,
        cleared_at TEXT,                     -- the condition ended; null while the alert is active
        snoozed_until TEXT,
        snoozed_fingerprint TEXT             -- the state the snooze was given for
      ) STRICT;
      CREATE INDEX alert_state_active ON alert_state(cleared_at);

      CREATE TABLE alert_deliveries (
        key TEXT NOT NULL REFERENCES alert_state(key) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('desktop', 'browser')),
        fingerprint TEXT NOT NULL,
        delivered_at TEXT NOT NULL,
        PRIMARY KEY (key, channel)
      ) STRICT;

      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `)
  },
}
