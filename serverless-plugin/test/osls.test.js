'use strict';

// The plugin inside osls 4.3.1: it tells msk-compile its host. With `profile: osls` the template
// is osls' own (mappings and role, for osls' own keys and behaviour: `provisionedPollerConfig`,
// durable alias targets, empty role intrinsics, astral first letters); with `profile: extended`
// a durable function's mapping keeps osls' alias target. Cases: tests/osls-cases, whose configs
// osls accepts as written.

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { after, before, describe, test } = require('node:test');
const os = require('os');
const h = require('./harness');
const { hostOf } = require('../index');

const OSLS = h.HOSTS.find((host) => host.name === 'osls');
const CASES_DIR = path.join(h.REPO_DIR, 'tests', 'osls-cases');
const cases = ['role-durable-naming', 'ppc-error-mode', 'ppc-warn-mode', 'osls-durable-aliases', 'osls-yaml-dates-tags'];
// The cases that use no topic the extended profile refuses (CloudFormation's Topics pattern: not
// one letter, no `:`).
const extendedCases = ['role-durable-naming', 'ppc-error-mode', 'ppc-warn-mode'];

// osls writes the `…LambdaVersion…` resources of a service with several functions in an order
// that can change from run to run (../shared/oracle-osls/README.md): the templates are compared
// by content, and the mappings' own order byte for byte.
const mappingIds = (template) =>
  Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::Lambda::EventSourceMapping');
const sameTemplate = (actual, expected) => {
  const [a, e] = [JSON.parse(h.stable(actual)), JSON.parse(h.stable(expected))];
  assert.deepEqual(a, e);
  assert.deepEqual(mappingIds(a), mappingIds(e));
};

describe(`under ${OSLS.label}`, () => {
  let root;
  const results = new Map();

  before(async () => {
    root = h.installPlugin();
    const tasks = [];
    for (const name of cases) {
      const config = fs.readFileSync(path.join(CASES_DIR, name, 'serverless.yml'), 'utf8');
      const runs = {
        without: h.service(root, path.join('osls', name, 'without'), config),
        osls: h.service(root, path.join('osls', name, 'osls'), h.withPlugin(config, 'osls')),
      };
      if (extendedCases.includes(name)) {
        runs.extended = h.service(root, path.join('osls', name, 'extended'), h.withPlugin(config, 'extended'));
      }
      tasks.push(async () => {
        const result = {};
        for (const [kind, dir] of Object.entries(runs)) result[kind] = await h.slsPackage(dir, {}, OSLS);
        results.set(name, result);
      });
    }
    await h.pool(tasks, 2);
  });
  after(() => h.removeInstall());

  for (const name of cases) {
    test(`profile osls: ${name} is osls' own template`, () => {
      const { without, osls } = results.get(name);
      assert.equal(without.status, 0, `without the plugin:\n${without.output}`);
      assert.equal(osls.status, 0, `with the plugin:\n${osls.output}`);
      sameTemplate(osls.template, without.template);
    });

  }

  for (const name of extendedCases) {
    test(`profile extended: ${name} keeps osls' mappings`, () => {
      const { without, extended } = results.get(name);
      assert.equal(extended.status, 0, `with the plugin:\n${extended.output}`);
      const [ours, theirs] = [JSON.parse(extended.template), JSON.parse(without.template)];
      assert.deepEqual(mappingIds(ours), mappingIds(theirs));
      for (const id of mappingIds(theirs)) assert.deepEqual(ours.Resources[id], theirs.Resources[id], id);
    });
  }

  test('profile extended: the durable function targets its alias', () => {
    const { extended } = results.get('role-durable-naming');
    const mapping = JSON.parse(extended.template).Resources.DurableEventSourceMappingMSKPollclusterDurable;
    assert.deepEqual(mapping.DependsOn, ['IamRoleLambdaExecution', 'DurableDurableLambdaAlias']);
    assert.deepEqual(mapping.Properties.FunctionName, {
      'Fn::Join': [':', [{ 'Fn::GetAtt': ['DurableLambdaFunction', 'Arn'] }, 'durable']],
    });
  });
});

test('the host is the package that started the process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-host-'));
  try {
    for (const [name, host] of [
      ['osls', 'osls'],
      ['serverless', 'serverless-v3'],
    ]) {
      const bin = path.join(dir, name, 'bin', 'serverless.js');
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      fs.writeFileSync(path.join(dir, name, 'package.json'), JSON.stringify({ name }));
      assert.equal(hostOf(bin), host);
    }
    assert.equal(hostOf(OSLS.bin), 'osls');
    assert.equal(hostOf(h.HOSTS[0].bin), 'serverless-v3');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
