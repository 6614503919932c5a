'use strict';

// Where the plugin finds msk-compile: MSK_COMPILE_BIN, else the binary packed for this
// platform, else PATH; otherwise one error that says how to get it.

const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { after, test } = require('node:test');
const { findBinary, EXE } = require('../lib/binary');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-binary-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const executable = (file) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
};

const pkg = path.join(dir, 'package');
const packed = executable(path.join(pkg, 'bin', EXE));
const onPath = executable(path.join(dir, 'path-dir', EXE));
const explicit = executable(path.join(dir, 'explicit', EXE));
const platform = (p, a) =>
  fs.writeFileSync(path.join(pkg, 'bin', 'platform.json'), JSON.stringify({ platform: p, arch: a }));

test('MSK_COMPILE_BIN wins', () => {
  platform(process.platform, process.arch);
  assert.deepEqual(findBinary({ MSK_COMPILE_BIN: explicit, PATH: path.dirname(onPath) }, pkg), {
    path: explicit,
    source: 'MSK_COMPILE_BIN',
  });
});

test('MSK_COMPILE_BIN that is not executable is an error, not a fallback', () => {
  const result = findBinary({ MSK_COMPILE_BIN: path.join(dir, 'nope'), PATH: path.dirname(onPath) }, pkg);
  assert.match(result.error, /MSK_COMPILE_BIN is set to .*nope, which is not an executable file/);
});

test('then the packed binary for this platform', () => {
  platform(process.platform, process.arch);
  assert.deepEqual(findBinary({ PATH: path.dirname(onPath) }, pkg), { path: packed, source: 'package' });
});

test('a binary packed for another platform is skipped for PATH', () => {
  platform(process.platform, process.arch === 'arm64' ? 'x64' : 'arm64');
  assert.deepEqual(findBinary({ PATH: `/nonexistent${path.delimiter}${path.dirname(onPath)}` }, pkg), {
    path: onPath,
    source: 'PATH',
  });
});

test('nothing found: one error saying how to get it', () => {
  fs.rmSync(path.join(pkg, 'bin', 'platform.json'));
  const result = findBinary({ PATH: path.join(dir, 'empty') }, pkg);
  assert.match(result.error, /msk-compile was not found/);
  assert.match(result.error, /cargo install --path msk-compile/);
  assert.match(result.error, /MSK_COMPILE_BIN/);
});

test('npm pack puts the release binary for this platform and the schema into the package', () => {
  const h = require('./harness');
  try {
    const installed = path.join(h.installPlugin(), 'node_modules', 'serverless-msk-events');
    const platformFile = JSON.parse(fs.readFileSync(path.join(installed, 'bin', 'platform.json'), 'utf8'));
    assert.equal(platformFile.platform, process.platform);
    assert.equal(platformFile.arch, process.arch);
    assert.match(platformFile.version, /^msk-compile /);
    assert.deepEqual(findBinary({ PATH: '' }, installed), { path: path.join(installed, 'bin', EXE), source: 'package' });
    const schema = JSON.parse(fs.readFileSync(path.join(installed, 'schema', 'msk-event.json'), 'utf8'));
    assert.ok(['extended', 'serverless-v3'].includes(schema.profile));
    assert.ok(schema.properties.topic, 'the msk event schema has its keys');
  } finally {
    h.removeInstall();
  }
});
