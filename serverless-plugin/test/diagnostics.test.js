'use strict';

// (c) Diagnostics through the framework: an msk error fails `serverless package` with
// msk-compile's code and a serverless.yml:line:column; a warning is printed and packaging goes
// on; the framework's own schema warnings are not printed a second time.

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

// warn, v3's default, set explicitly: osls' default is error (error mode: see the test of both modes).
const config = (events, extra = 'configValidationMode: warn\n') => `service: diag
frameworkVersion: '3'
${extra}provider:
  name: aws
  runtime: nodejs18.x
functions:
  consumer:
    handler: handler.main
    events:
${events}`;

// 1-based line and column of the first occurrence of `needle` in `text`.
const position = (text, needle) => {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the config`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
};

const CASES = {
  // The framework's compiler crashes on this one (TypeError, no code).
  arnWithoutClusterName: {
    text: config(`      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster
          topic: orders
`),
    code: 'MSK_ARN_WITHOUT_CLUSTER_NAME',
    at: 'arn:aws:kafka:us-east-1:111111111111:cluster\n',
  },
  // The framework stops with this very code, but without saying where.
  atTimestamp: {
    text: config(`      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1
          topic: orders
          startingPosition: AT_TIMESTAMP
`),
    code: 'FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID',
    at: 'AT_TIMESTAMP',
  },
};

const COLLISION = config(`      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/1
          topic: orders
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/my.cluster/2
          topic: orders
`);

// warn mode: the framework itself reports `batchSize: 0` as a configuration warning.
const SCHEMA_WARNING = config(`      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1
          topic: orders
          batchSize: 0
`);

after(() => h.removeInstall());

for (const host of h.HOSTS) {
  for (const profile of ['serverless-v3', 'extended']) {
    describe(`diagnostics under ${host.label} (profile ${profile})`, () => {
      const runs = {};
      const texts = {};

      before(async () => {
        const root = h.installPlugin();
        const services = {
          ...Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, c.text])),
          collision: COLLISION,
          schemaWarning: SCHEMA_WARNING,
        };
        const tasks = Object.entries(services).map(([name, text]) => async () => {
          texts[name] = host.config(h.withPlugin(text, profile));
          const dir = h.service(root, `diag-${host.name}-${profile}-${name}`, texts[name]);
          runs[name] = await h.slsPackage(dir, {}, host);
        });
        await h.pool(tasks, 2);
      });
      for (const [name, c] of Object.entries(CASES)) {
        test(`${name}: fails with ${c.code} at serverless.yml:line:column`, () => {
          const run = runs[name];
          assert.notEqual(run.status, 0, run.output);
          assert.equal(run.template, null);
          assert.match(run.output, new RegExp(`\\[${c.code}\\]`));
          const where = `serverless.yml:${position(texts[name], c.at)}`;
          assert.ok(run.output.includes(where), `no ${where} in:\n${run.output}`);
          assert.doesNotMatch(run.output, /TypeError/);
        });
      }

      test('a warning is printed and packaging goes on', () => {
        const run = runs.collision;
        assert.equal(run.status, 0, run.output);
        assert.match(run.output, /Warning: msk: serverless\.yml:\d+:\d+: .*\[MSK_LOGICAL_ID_COLLISION\]/);
        const mappings = Object.keys(JSON.parse(run.template).Resources).filter((id) => id.includes('EventSourceMappingMSK'));
        assert.deepEqual(mappings, ['ConsumerEventSourceMappingMSKMyclusterOrders']);
      });

      test('a schema warning: the framework\'s line by path, then msk-compile\'s with its position', () => {
        const run = runs.schemaWarning;
        assert.equal(run.status, 0, run.output);
        assert.match(run.output, /at 'functions\.consumer\.events\.0\.msk\.batchSize': must be >= 1/);
        const where = `serverless.yml:${position(texts.schemaWarning, '0\n')}`;
        assert.ok(
          run.output.includes(`Warning: msk: ${where}: must be >= 1 [INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION]`),
          `no positioned warning at ${where} in:\n${run.output}`
        );
      });
    });
  }
}

// Schema problems are the framework's to report, before any plugin hook runs: by dotted path
// only, as warnings (`configValidationMode: warn`) or as the error that stops the command
// (`error`). The plugin adds msk-compile's report of the same problems, positioned and with its
// help (did-you-mean), to both, in line order.
const SCHEMA_PROBLEMS = (mode) =>
  config(
    `      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1
          topic: orders
          batchSize: 0
          batchSzie: 3
`,
    `configValidationMode: ${mode}\n`
  );

for (const host of h.HOSTS) {
  describe(`schema problems under ${host.label}, in both validation modes`, () => {
    const runs = {};
    const texts = {};

    before(async () => {
      const root = h.installPlugin();
      const tasks = ['warn', 'error'].map((mode) => async () => {
        texts[mode] = host.config(h.withPlugin(SCHEMA_PROBLEMS(mode), 'extended'));
        runs[mode] = await h.slsPackage(h.service(root, `schema-modes-${host.name}-${mode}`, texts[mode]), {}, host);
      });
      await h.pool(tasks, 2);
    });

    // In line order: the unknown key is reported on the msk mapping it is in (from the
    // resolved configuration, msk-compile places a problem by its dotted path), which starts
    // at `arn`, before `batchSize`.
    const positioned = (mode) => {
      const typo = `serverless.yml:${position(texts[mode], 'arn: arn:aws')}: unrecognized property 'batchSzie' [INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION]\n  help: did you mean \`batchSize\`?`;
      const batchSize = `serverless.yml:${position(texts[mode], '0\n')}: must be >= 1 [INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION]`;
      return [typo, batchSize];
    };

    test('warn: the framework\'s warnings, then msk-compile\'s, positioned, packaging goes on', () => {
      const run = runs.warn;
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /Invalid configuration encountered/);
      const [typo, batchSize] = positioned('warn').map((line) => run.output.indexOf(`Warning: msk: ${line}`));
      assert.ok(batchSize >= 0 && typo >= 0, run.output);
      assert.ok(typo < batchSize, `not in line order:\n${run.output}`);
    });

    test('error: the framework\'s error carries msk-compile\'s positioned diagnostics', () => {
      const run = runs.error;
      assert.notEqual(run.status, 0, run.output);
      assert.equal(run.template, null);
      assert.match(run.output, /Configuration error/);
      const report = run.output.slice(run.output.indexOf('msk-compile:'));
      const [typo, batchSize] = positioned('error').map((line) => report.indexOf(line));
      assert.ok(batchSize >= 0 && typo >= 0, run.output);
      assert.ok(typo < batchSize, `not in line order:\n${run.output}`);
    });
  });
}

describe('the binary', () => {
  test('none found: the command fails with one error saying how to get it', async () => {
    const root = h.installPlugin();
    const dir = h.service(root, 'no-binary', h.withPlugin(COLLISION, 'serverless-v3'));
    const run = await h.slsPackage(dir, { MSK_COMPILE_BIN: path.join(root, 'no-such-msk-compile') });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /MSK_COMPILE_BIN is set to .*no-such-msk-compile, which is not an executable file/);
  });

  test('one msk-compile process per serverless package', async () => {
    const root = h.installPlugin();
    const binary = h.nativeBinary();
    // A wrapper that notes each start, then runs the packed binary.
    const log = path.join(root, 'starts.log');
    const wrapper = path.join(root, 'counting-msk-compile');
    fs.writeFileSync(wrapper, `#!/bin/sh\necho start >> '${log}'\nexec '${binary}' "$@"\n`);
    fs.chmodSync(wrapper, 0o755);
    const config = fs.readFileSync(path.join(h.REPO_DIR, 'tests', 'cases', 'multi-function', 'serverless.yml'), 'utf8');
    const dir = h.service(root, 'count', h.withPlugin(config, 'extended'));
    const run = await h.slsPackage(dir, { MSK_COMPILE_BIN: wrapper });
    assert.equal(run.status, 0, run.output);
    assert.equal(fs.readFileSync(log, 'utf8'), 'start\n');
  });
});
