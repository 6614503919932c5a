'use strict';

//! `npm pack` / `npm publish` step: builds msk-compile's WebAssembly module (../scripts/build-wasm)
//! into wasm/msk-compile.wasm, and writes schema/msk-event.json from that module's own schema
//! export (`schema --profile extended`), reduced to what the framework's Ajv (strict mode)
//! accepts. So the package carries no native binary, runs on every platform Node runs on, and
//! the schema the plugin registers always comes from the module packed beside it.
//!
//! MSK_COMPILE_PACK_WASM=<path> packs that module instead of building one (e.g. a CI build).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { WASM_FILE, selectEngine } = require('../lib/engine');
const { toFrameworkSchema } = require('../lib/schema-export');

const PACKAGE_DIR = path.join(__dirname, '..');
const REPO_DIR = path.join(PACKAGE_DIR, '..');

const buildModule = () => {
  fs.mkdirSync(path.dirname(WASM_FILE), { recursive: true });
  if (process.env.MSK_COMPILE_PACK_WASM) {
    fs.copyFileSync(path.resolve(process.env.MSK_COMPILE_PACK_WASM), WASM_FILE);
    return;
  }
  const build = spawnSync(path.join(REPO_DIR, 'scripts', 'build-wasm'), [WASM_FILE], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.error) throw build.error;
  if (build.status !== 0) throw new Error(`scripts/build-wasm failed (status ${build.status})`);
};

// The extended schema, with the keys whose schema the extended profile widens (in both exports,
// different after reduction: e.g. `arn` also takes `Fn::GetAtt`).
const exportSchema = (engine) => {
  const exported = (profile) => {
    const reply = engine.run({ command: 'schema', profile });
    if (reply.status !== 0) throw new Error(`the module's schema export failed: ${reply.stderr}`);
    return toFrameworkSchema(JSON.parse(reply.stdout));
  };
  const v3 = exported('serverless-v3');
  const schema = exported('extended');
  const widened = Object.keys(v3.properties).filter(
    (key) => key in schema.properties && JSON.stringify(schema.properties[key]) !== JSON.stringify(v3.properties[key])
  );
  return { profile: 'extended', ...schema, widened };
};

const main = () => {
  buildModule();
  // A package packed before the module existed carried a native binary: never pack it again.
  fs.rmSync(path.join(PACKAGE_DIR, 'bin'), { recursive: true, force: true });
  const engine = selectEngine({ MSK_COMPILE_WASM: WASM_FILE });
  const schema = exportSchema(engine);
  const schemaDir = path.join(PACKAGE_DIR, 'schema');
  fs.mkdirSync(schemaDir, { recursive: true });
  fs.writeFileSync(path.join(schemaDir, 'msk-event.json'), `${JSON.stringify(schema, null, 2)}\n`);
};

main();
