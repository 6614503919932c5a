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

// The extended schema when the binary has profiles (the extended profile), with the keys whose schema the
// extended profile widens (in both exports, different after reduction: e.g. `arn` also takes
// `Fn::GetAtt`). A binary without profiles compiles only Serverless' keys, which the framework
// defines already, so its plain schema adds nothing.
const exportSchema = (binary) => {
  const plain = run(binary, ['schema']);
  if (plain.status !== 0) throw new Error(`${binary} schema failed: ${plain.stderr}`);
  const v3 = toFrameworkSchema(JSON.parse(plain.stdout));
  const extended = run(binary, ['schema', '--profile', 'extended']);
  if (extended.status !== 0) {
    process.stderr.write(
      `prepack: ${binary} has no --profile (${extended.stderr.trim().split('\n')[0]}); packing its serverless-v3 schema\n`
    );
    return { profile: 'serverless-v3', ...v3, widened: [] };
  }
  const schema = toFrameworkSchema(JSON.parse(extended.stdout));
  const widened = Object.keys(v3.properties).filter(
    (key) => key in schema.properties && JSON.stringify(schema.properties[key]) !== JSON.stringify(v3.properties[key])
  );
  return { profile: 'extended', ...schema, widened };
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

  const schema = exportSchema(binary);
  const schemaDir = path.join(PACKAGE_DIR, 'schema');
  fs.mkdirSync(schemaDir, { recursive: true });
  fs.writeFileSync(
    path.join(schemaDir, 'msk-event.json'),
    `${JSON.stringify(schema, null, 2)}\n`
  );
};

main();
