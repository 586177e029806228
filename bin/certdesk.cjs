#!/usr/bin/env node
// Entry for `certdesk` when installed with npm: the CLI is built by `npm run build` into out/main/cli.js.
require('../out/main/cli.js')
