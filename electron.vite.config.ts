import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { version } from './package.json'

// Main-process bundle has five entries that share core: the Electron app, the loopback web shell, the
// CLI, the file reader they start as a child process per import (parse-worker, I2), and the SQLite
// probe npm start runs inside Electron-as-Node. Dependencies stay external (electron-vite's default):
// the native modules (better-sqlite3, @napi-rs/keyring) must load from node_modules at run time, and
// the CLI requires the others only when the command it runs needs them (src-main/cli/run.ts).
export default defineConfig({
  main: {
    define: { __CERTDESK_VERSION__: JSON.stringify(version) },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/index.ts'),
          web: resolve(__dirname, 'src-main/web/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
          'parse-worker': resolve(__dirname, 'src-main/parse-worker/index.ts'),
          // npm start runs it inside Electron-as-Node to check the SQLite engine before launching the app.
          'sqlite-probe': resolve(__dirname, 'src-main/app/sqlite-probe.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
    plugins: [react()],
  },
})
