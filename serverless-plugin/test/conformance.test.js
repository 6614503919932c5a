'use strict';

// (a) With `custom.mskEvents.profile: serverless-v3` the plugin changes nothing: for every case
// in tests/cases that the framework compiles, `serverless package` with the plugin writes the
// same template, byte for byte, as the same framework without it, under serverless 3.40.0 and
// osls 4.3.1.

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

// osls writes the `…LambdaVersion…` resources of a service with several functions in an order
// that can change from run to run (../shared/oracle-osls/README.md): under osls the templates are
// compared by content, and the msk mappings' own order byte for byte.
const sameTemplate = (host, actual, expected) => {
  if (host.name !== 'osls') {
    assert.equal(h.stable(actual), h.stable(expected));
    return;
  }
  const [a, e] = [JSON.parse(h.stable(actual)), JSON.parse(h.stable(expected))];
  assert.deepEqual(a, e);
  const mappingIds = (t) => Object.keys(t.Resources).filter((id) => t.Resources[id].Type === 'AWS::Lambda::EventSourceMapping');
  assert.deepEqual(mappingIds(a), mappingIds(e));
};

// The framework's error message: from its `Error:` line on.
const errorPart = (output) => output.slice(output.indexOf('Error:'));

for (const host of h.HOSTS) {
  describe(`profile serverless-v3 under ${host.label}: the framework's own template`, () => {
    let root;
    const results = new Map();

    before(async () => {
      root = h.installPlugin();
      const tasks = [];
      for (const name of [...cases, ...extraCases]) {
        const config = host.config(fs.readFileSync(path.join(configDir(name), 'serverless.yml'), 'utf8'));
        const plain = h.service(root, path.join(host.name, 'v3', name, 'without'), config);
        const withPlugin = h.service(root, path.join(host.name, 'v3', name, 'with'), h.withPlugin(config, 'serverless-v3'));
        tasks.push(async () => {
          const [a, b] = [await h.slsPackage(plain, {}, host), await h.slsPackage(withPlugin, {}, host)];
          results.set(name, { without: a, with: b });
        });
      }
      // Both runs of a case one after the other, two cases at a time (the machine has 2 cores).
      await h.pool(tasks, 2);
    });

    test('every compiling case is covered', () => {
      assert.ok(cases.length >= 24, `only ${cases.length} cases with expected.json`);
    });

    for (const name of [...cases, ...extraCases]) {
      test(name, () => {
        const { without, with: withPlugin } = results.get(name);
        // osls validates in `error` mode by default (v3: `warn`) and refuses the schema cases
        // before any plugin runs: with the plugin, the same error, followed by msk-compile's
        // positioned report of the same problems (test/diagnostics.test.js).
        if (host.name === 'osls' && without.status !== 0 && /Configuration error/.test(without.output)) {
          assert.equal(withPlugin.status, without.status, withPlugin.output);
          assert.ok(errorPart(withPlugin.output).startsWith(errorPart(without.output).trimEnd()), withPlugin.output);
          return;
        }
        assert.equal(without.status, 0, `without the plugin:\n${without.output}`);
        assert.equal(withPlugin.status, 0, `with the plugin:\n${withPlugin.output}`);
        sameTemplate(host, withPlugin.template, without.template);
      });
    }
  });
}

after(() => h.removeInstall());
