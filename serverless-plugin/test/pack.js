'use strict';

//! `npm test`'s first step (pretest): `npm pack`s the plugin once, into
//! node_modules/.test-pack/, for every test file to install (they may run in parallel; packing
//! writes bin/ and schema/ of this folder, which must happen once).

const fs = require('fs');
const { spawnSync } = require('child_process');
const { PACKAGE_DIR, PACK_DIR } = require('./harness');

fs.rmSync(PACK_DIR, { recursive: true, force: true });
fs.mkdirSync(PACK_DIR, { recursive: true });
const result = spawnSync('npm', ['pack', '--json', '--pack-destination', PACK_DIR], {
  cwd: PACKAGE_DIR,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (result.status !== 0) {
  process.stderr.write(`npm pack failed (${result.status})\n${result.stdout}`);
  process.exit(1);
}
const [packed] = JSON.parse(result.stdout);
const files = packed.files.map((f) => f.path).sort();
process.stdout.write(`packed ${packed.filename}: ${files.join(', ')}\n`);
