import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Everything outside core: the front doors, the Sandbox CA and the renderer.
const notCore = ['**/app/**', '**/app', '**/web/**', '**/web', '**/cli/**', '**/cli', '**/preload/**', '**/sandbox/**', '**/src-renderer/**']

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'tls', 'url', 'util', 'stream', 'zlib', 'dns', 'events', 'buffer', 'worker_threads']

/**
 * D2 and issue 10: SQLite transactions take the write lock first. Exported for the test that proves
 * these selectors catch what they should (test/unit/lint).
 */
export const IMMEDIATE_TRANSACTIONS = [
  {
    selector: "CallExpression[callee.property.name='transaction']:not(MemberExpression[property.name=/^(immediate|exclusive)$/] > CallExpression.object)",
    message: 'Run SQLite transactions as db.transaction(fn).immediate(): a deferred transaction that reads then writes fails at once with SQLITE_BUSY instead of waiting for another process.',
  },
  {
    selector: "CallExpression[callee.property.name=/^(exec|prepare)$/] > Literal[value=/^\\s*BEGIN(\\s+DEFERRED)?(\\s+TRANSACTION)?\\s*;?\\s*$/i]",
    message: 'Use BEGIN IMMEDIATE (or db.transaction(fn).immediate()): a deferred transaction cannot wait for a busy write lock.',
  },
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'release/**', 'test-results/**', 'playwright-report/**', 'coverage/**', 'test/fixtures/**', 'bin/**', 'scripts/**', '*.config.mjs', '*.config.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src-main/**/*.ts', 'test/**/*.ts', '*.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // D2 and issue 10: every SQLite transaction takes the write lock first (BEGIN IMMEDIATE). A
    // deferred transaction that reads and then writes cannot wait for a busy lock (SQLite does not
    // run the busy handler when a read upgrades to a write) and fails at once with SQLITE_BUSY when
    // another CertDesk process is writing; an IMMEDIATE one waits up to the busy timeout.
    files: ['src-main/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }, ...IMMEDIATE_TRANSACTIONS] },
  },
  {
    // Config files are the one place tools require a default export.
    files: ['*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Layer rule: core is plain Node and knows nothing of its front doors.
    files: ['src-main/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'core must not import electron: pass what you need in.' }],
        patterns: [
          { group: notCore, message: 'core must not import a front door, the sandbox or the renderer.' },
          { group: ['react', 'react-dom', 'react/*'], message: 'core has no UI.' },
        ],
      }],
    },
  },
  {
    // Only app/ipc and preload touch ipcMain / ipcRenderer; web and cli never import electron.
    files: ['src-main/web/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/sandbox/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'only src-main/app and src-main/preload may import electron.' }],
        patterns: [{ group: ['**/src-renderer/**', '**/app/**', '**/preload/**'], message: 'front doors do not import each other.' }],
      }],
    },
  },
  {
    // The file reader child runs core's parser and nothing else; its hosts live in the front doors.
    files: ['src-main/parse-worker/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'the file reader runs under plain Node too: reach Electron through process.parentPort only.' }],
        patterns: [{ group: notCore, message: 'the file reader may import core only.' }],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'the renderer talks to main through window.certdesk only.' },
          { name: 'better-sqlite3', message: 'the renderer has no database access.' },
          { name: '@napi-rs/keyring', message: 'the renderer has no keychain access.' },
        ],
        patterns: [
          { group: nodeBuiltins, message: 'the renderer imports no Node module.' },
          { group: ['**/src-main/**'], allowTypeImports: true, message: 'the renderer may import only types from src-main.' },
        ],
      }],
    },
  },
)
