'use strict';

// The WebAssembly module the plugin runs and the native msk-compile give the same exit status,
// output and diagnostics, byte for byte, for every conformance case and example, under both
// profiles: compiled on their own, merged into the oracle's template, and the way the plugin
// calls them (the config as the framework resolved it, `--resolved`).

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { test } = require('node:test');
const yaml = require('js-yaml');
const h = require('./harness');
const { selectEngine } = require('../lib/engine');

const PROFILES = ['serverless-v3', 'extended'];
// The environment of both: `${env:…}` reads it.
const ENV = { PATH: process.env.PATH, MSK_TEST_ENV: 'from-env' };

/** Every config: `tests/<set>/<case>/serverless.yml`, `tests/extended-cases/*.yml`, the examples. */
const configs = () => {
  const found = [];
  for (const set of ['cases', 'extra-cases']) {
    const root = path.join(h.REPO_DIR, 'tests', set);
    for (const name of fs.readdirSync(root).sort()) {
      for (const file of ['serverless.yml', 'serverless.yaml', 'serverless.json']) {
        const config = path.join(root, name, file);
        if (fs.existsSync(config)) found.push(config);
      }
    }
  }
  const extended = path.join(h.REPO_DIR, 'tests', 'extended-cases');
  for (const name of fs.readdirSync(extended).sort()) {
    const config = path.join(extended, name);
    if (name.endsWith('.yml') && fs.statSync(config).isFile()) found.push(config);
  }
  found.push(path.join(h.REPO_DIR, 'examples', 'serverless.yml'));
  found.push(path.join(h.REPO_DIR, 'examples', 'extended', 'serverless.yml'));
  return found.filter((config) => fs.existsSync(config));
};

const native = (binary, args, input) => {
  const result = spawnSync(binary, args, { encoding: 'utf8', env: ENV, input, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const COMMON = ['--message-format', 'json', '--stage', 'dev', '--region', 'us-east-1'];

test('the module and the native CLI agree on every case and example, both profiles', () => {
  const binary = h.nativeBinary();
  const engine = selectEngine({});
  const all = configs();
  assert.ok(all.length > 80, `found ${all.length} configs`);
  let compared = 0;
  for (const config of all) {
    const text = fs.readFileSync(config, 'utf8');
    const template = path.join(path.dirname(config), 'expected.json');
    const hasTemplate = path.basename(config) === 'serverless.yml' && fs.existsSync(template);
    // The module reads no files: `${file(…)}` is the framework's to resolve (the plugin passes
    // the resolved config). Those configs are compared in the resolved form only.
    const readsFiles = /\$\{file\(/.test(text);
    let resolved = null;
    try {
      resolved = JSON.stringify(yaml.load(text));
    } catch (ignore) {
      // YAML the framework would not load either: compared as text only
    }
    for (const profile of PROFILES) {
      const request = { command: 'compile', config: text, configName: config, profile, stage: 'dev', region: 'us-east-1', messageFormat: 'json', env: ENV };
      const runs = [];
      if (!readsFiles) {
        runs.push(['alone', native(binary, ['compile', config, '--profile', profile, ...COMMON]), request]);
        if (hasTemplate) {
          runs.push([
            'merged into the oracle template',
            native(binary, ['compile', config, '--template', template, '--profile', profile, ...COMMON]),
            { ...request, template: fs.readFileSync(template, 'utf8'), templateName: template },
          ]);
        }
      }
      if (resolved !== null && resolved !== undefined) {
        runs.push([
          'resolved',
          native(binary, ['compile', config, '--resolved', '-', '--profile', profile, ...COMMON], resolved),
          { ...request, resolved },
        ]);
      }
      for (const [how, expected, moduleRequest] of runs) {
        const actual = engine.run(moduleRequest);
        assert.deepEqual(actual, expected, `${path.relative(h.REPO_DIR, config)} (${profile}, ${how})`);
        compared += 1;
      }
    }
  }
  assert.ok(compared > 300, `compared ${compared} runs`);
});
