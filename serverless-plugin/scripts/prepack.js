'use strict';

//! `npm pack` / `npm publish` step: builds msk-compile for this platform (release), copies it
//! into bin/ with bin/platform.json, and writes schema/msk-event.json from the binary's own
//! schema export (`msk-compile schema --profile extended`), reduced to what the framework's Ajv
//! (strict mode) accepts. So the schema the plugin registers always comes from the binary packed
//! beside it and is never written by hand.
//!
//! MSK_COMPILE_PACK_BIN=<path> packs that binary instead of building one (e.g. a CI build).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { EXE } = require('../lib/binary');
const { toFrameworkSchema } = require('../lib/schema-export');

const PACKAGE_DIR = path.join(__dirname, '..');
const REPO_DIR = path.join(PACKAGE_DIR, '..');

const run = (cmd, args, options = {}) => {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
};

const buildBinary = () => {
  if (process.env.MSK_COMPILE_PACK_BIN) return path.resolve(process.env.MSK_COMPILE_PACK_BIN);
  const build = run('cargo', ['build', '--release', '--locked', '-p', 'msk-compile'], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`cargo build --release -p msk-compile failed (status ${build.status})`);
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(REPO_DIR, 'target');
  return path.join(targetDir, 'release', EXE);
};

// The extended schema when the binary has profiles (issue 13); a binary without them compiles
// only Serverless' keys, which the framework defines already, so its plain schema adds nothing.
const exportSchema = (binary) => {
  const extended = run(binary, ['schema', '--profile', 'extended']);
  if (extended.status === 0) return { schema: JSON.parse(extended.stdout), profile: 'extended' };
  const plain = run(binary, ['schema']);
  if (plain.status !== 0) throw new Error(`${binary} schema failed: ${plain.stderr}`);
  process.stderr.write(
    `prepack: ${binary} has no --profile (schema: ${extended.stderr.trim().split('\n')[0]}); packing its serverless-v3 schema\n`
  );
  return { schema: JSON.parse(plain.stdout), profile: 'serverless-v3' };
};

const main = () => {
  const binary = buildBinary();
  const binDir = path.join(PACKAGE_DIR, 'bin');
  fs.rmSync(binDir, { recursive: true, force: true });
  fs.mkdirSync(binDir);
  fs.copyFileSync(binary, path.join(binDir, EXE));
  fs.chmodSync(path.join(binDir, EXE), 0o755);
  const version = run(binary, ['--version']).stdout.trim();
  fs.writeFileSync(
    path.join(binDir, 'platform.json'),
    `${JSON.stringify({ platform: process.platform, arch: process.arch, version }, null, 2)}\n`
  );

  const { schema, profile } = exportSchema(binary);
  const schemaDir = path.join(PACKAGE_DIR, 'schema');
  fs.mkdirSync(schemaDir, { recursive: true });
  fs.writeFileSync(
    path.join(schemaDir, 'msk-event.json'),
    `${JSON.stringify({ profile, ...toFrameworkSchema(schema) }, null, 2)}\n`
  );
};

main();
