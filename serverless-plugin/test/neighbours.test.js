'use strict';

// (e) Beside the plugins people use with it, installed from npm (pinned devDependencies):
// serverless-iam-roles-per-function 3.2.0 gives a function with `iamRoleStatements` a role of
// its own. Under serverless-v3 the template is the one Serverless writes with that plugin alone
// (measured: the framework's msk statements stay on the shared role, the mapping depends on the
// function's role); under extended the function's msk statements go to its own role and nowhere
// else. Both whichever order `plugins:` lists them in. serverless-offline and serverless-esbuild
// load beside them without an error or a warning.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

const ORDERS = 'arn:aws:kafka:us-east-1:111111111111:cluster/orders/1';
const BILLING = 'arn:aws:kafka:us-east-1:111111111111:cluster/billing/2';
const CONFIG = `service: neighbours
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
functions:
  consumer:
    handler: handler.main
    iamRoleStatements:
      - Effect: Allow
        Action: [s3:GetObject]
        Resource: arn:aws:s3:::bucket/*
    events:
      - msk:
          arn: ${ORDERS}
          topic: orders
  other:
    handler: handler.main
    events:
      - msk:
          arn: ${BILLING}
          topic: billing
`;
const IAM = 'serverless-iam-roles-per-function';
const MSK = 'serverless-msk-events';
const OWN_ROLE = 'ConsumerIamRoleLambdaExecution';
const SHARED_ROLE = 'IamRoleLambdaExecution';
const MAPPING = 'ConsumerEventSourceMappingMSKOrdersOrders';

const policies = (template, role) => template.Resources[role].Properties.Policies;
const mentions = (value, text) => JSON.stringify(value).includes(text);

after(() => h.removeInstall());

for (const host of h.HOSTS) {
  describe(`beside ${IAM} under ${host.label}`, () => {
    const runs = {};

    before(async () => {
      const root = h.installPlugin();
      h.installNeighbours(root);
      const config = host.config(CONFIG);
      const services = {
        alone: h.withPlugin(config, null, [IAM]),
        v3First: h.withPlugin(config, 'serverless-v3', [MSK, IAM]),
        v3Last: h.withPlugin(config, 'serverless-v3', [IAM, MSK]),
        extendedFirst: h.withPlugin(config, 'extended', [MSK, IAM]),
        extendedLast: h.withPlugin(config, 'extended', [IAM, MSK]),
        everything: h.withPlugin(config, 'extended', ['serverless-esbuild', IAM, MSK, 'serverless-offline']),
      };
      const tasks = Object.entries(services).map(([name, text]) => async () => {
        const run = await h.slsPackage(h.service(root, `neighbours-${host.name}-${name}`, text), {}, host);
        runs[name] = { ...run, parsed: run.template && JSON.parse(h.stable(run.template)) };
      });
      await h.pool(tasks, 2);
    });

    test(`${IAM} alone gives the function its own role, without msk statements`, () => {
      const { alone } = runs;
      assert.equal(alone.status, 0, alone.output);
      assert.ok(!mentions(policies(alone.parsed, OWN_ROLE), 'kafka:'), 'the plugin measured here changed');
      assert.equal(alone.parsed.Resources[MAPPING].DependsOn, OWN_ROLE);
    });

    for (const order of ['First', 'Last']) {
      test(`serverless-v3 (listed ${order.toLowerCase()}): the template Serverless writes with ${IAM}`, () => {
        const run = runs[`v3${order}`];
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.parsed, runs.alone.parsed);
        // In the same order, but for the `…LambdaVersion…` resources, which osls writes in an
        // order that changes from run to run (../shared/oracle-osls/README.md).
        const resourceOrder = (template) => Object.keys(template.Resources).filter((id) => template.Resources[id].Type !== 'AWS::Lambda::Version');
        assert.deepEqual(resourceOrder(run.parsed), resourceOrder(runs.alone.parsed));
      });

      test(`extended (listed ${order.toLowerCase()}): the function's statements on its own role only`, () => {
        const run = runs[`extended${order}`];
        assert.equal(run.status, 0, run.output);
        const own = policies(run.parsed, OWN_ROLE);
        // The role as the IAM plugin made it, plus one policy with the function's msk statements.
        assert.deepEqual(own.slice(0, -1), policies(runs.alone.parsed, OWN_ROLE));
        const msk = own[own.length - 1];
        assert.equal(msk.PolicyName, 'msk-events');
        assert.ok(mentions(msk, ORDERS), JSON.stringify(msk));
        assert.ok(!mentions(msk, BILLING), 'another function\'s cluster on this role');
        for (const statement of msk.PolicyDocument.Statement) assert.match(statement.Sid, /^MskEvents/);
        // The shared role serves `other` only.
        const shared = policies(run.parsed, SHARED_ROLE);
        assert.ok(mentions(shared, BILLING), JSON.stringify(shared));
        assert.ok(!mentions(shared, ORDERS), 'the function\'s cluster is still on the shared role');
        // The mapping depends on the function's role, as the IAM plugin made it.
        assert.equal(run.parsed.Resources[MAPPING].DependsOn, OWN_ROLE);
      });
    }

    test('serverless-offline and serverless-esbuild load beside them without errors', () => {
      const run = runs.everything;
      assert.equal(run.status, 0, run.output);
      assert.doesNotMatch(run.output, /error|warning/i);
      const resources = (template) =>
        Object.fromEntries(
          Object.entries(template.Resources).filter(([, r]) => /^AWS::(IAM::Role|Lambda::EventSourceMapping)$/.test(r.Type))
        );
      assert.deepEqual(resources(run.parsed), resources(runs.extendedLast.parsed));
    });
  });
}
