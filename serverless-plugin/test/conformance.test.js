'use strict';

// (a) With `custom.mskEvents.profile: serverless-v3` the plugin changes nothing: for every case
// in tests/cases that the framework compiles, `serverless package` with the plugin writes the
// same template, byte for byte, as the same framework without it.

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

const CASES_DIR = path.join(h.REPO_DIR, 'tests', 'cases');
const cases = fs
  .readdirSync(CASES_DIR)
  .filter((name) => fs.existsSync(path.join(CASES_DIR, name, 'expected.json')))
  .sort();
// Extra cases whose template the framework changes after compiling events (resource extensions,
// functions/resources lists): the plugin must hand msk-compile what the framework had.
const EXTRA_DIR = path.join(h.REPO_DIR, 'tests', 'extra-cases');
const extraCases = [
  'extensions-mappings',
  'extensions-null-values',
  'extensions-shared-role-policies',
  'resources-list',
  'functions-list',
];
const configDir = (name) => (extraCases.includes(name) ? path.join(EXTRA_DIR, name) : path.join(CASES_DIR, name));

describe('profile serverless-v3: the framework\'s own template', () => {
  let root;
  let skip = false;
  const results = new Map();

  before(async () => {
    root = h.installPlugin();
    const tasks = [];
    for (const name of [...cases, ...extraCases]) {
      const config = fs.readFileSync(path.join(configDir(name), 'serverless.yml'), 'utf8');
      const plain = h.service(root, path.join('v3', name, 'without'), config);
      const withPlugin = h.service(root, path.join('v3', name, 'with'), h.withPlugin(config, 'serverless-v3'));
      tasks.push(async () => {
        const [a, b] = [await h.slsPackage(plain), await h.slsPackage(withPlugin)];
        results.set(name, { without: a, with: b });
      });
    }
    // Both runs of a case one after the other, two cases at a time (the machine has 2 cores).
    await h.pool(tasks, 2);
  });
  after(() => h.removeInstall());

  test('every compiling case is covered', () => {
    assert.ok(cases.length >= 24, `only ${cases.length} cases with expected.json`);
  });

  for (const name of [...cases, ...extraCases]) {
    test(name, (t) => {
      if (skip) return t.skip(skip);
      const { without, with: withPlugin } = results.get(name);
      assert.equal(without.status, 0, `without the plugin:\n${without.output}`);
      assert.equal(withPlugin.status, 0, `with the plugin:\n${withPlugin.output}`);
      assert.equal(h.stable(withPlugin.template), h.stable(without.template));
      return undefined;
    });
  }
});
