'use strict';

// The deploy guard inside the real `serverless deploy` (3.40.0), offline: a local plugin
// (test/fixtures/aws-stub.js) answers the AWS requests from recorded answers. The deployed
// template GetTemplate returns is the one `serverless package` writes for the config as it was;
// the deploy then runs with the changed config. A deploy the guard lets through goes on to the
// framework's next request (CloudFormation.describeStacks, which has no recorded answer: the
// run stops there); one it stops never gets that far.

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

const ARN = 'arn:aws:kafka:us-east-1:111111111111:cluster/orders/1a2b3c4d-1234-5678-9abc-def012345678-1';
const STACK = 'guard-dev';
const MAPPING = 'ConsumerEventSourceMappingMSKOrdersOrders';

const config = ({ msk = '', functionName = 'consumer', custom = '' } = {}) => `service: guard
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
${custom}functions:
  ${functionName}:
    handler: handler.main
    events:
      - msk:
          arn: ${ARN}
          topic: orders
${msk}plugins:
  - serverless-msk-events
  - ./aws-stub
`;

const pinned = '          consumerGroupId: orders-consumer\n';
const latest = '          startingPosition: LATEST\n';
const allow = 'custom:\n  mskEvents:\n    allowReplacement: true\n';

// GetTemplate's answers: the deployed template as its body, or CloudFormation's error for a
// stack that does not exist.
const deployedAnswer = (template) => ({
  'CloudFormation.getTemplate': { TemplateBody: template, StagesAvailable: ['Original', 'Processed'] },
});
const NO_STACK = {
  'CloudFormation.getTemplate': {
    error: { code: 'ValidationError', statusCode: 400, message: `Stack with id ${STACK} does not exist` },
  },
};

// name: [the deployed config (null: no stack), the config deployed now, extra CLI arguments]
const CASES = {
  noStack: [null, config(), []],
  inPlace: [config(), config({ msk: '          batchSize: 500\n          enabled: false\n' }), []],
  offsetsReset: [config(), config({ msk: latest }), []],
  acknowledgedInConfig: [config(), config({ msk: latest, custom: allow }), []],
  acknowledgedOnCommandLine: [config(), config({ msk: latest }), ['--msk-allow-replacement']],
  groupReused: [config({ msk: pinned }), config({ msk: pinned + latest }), []],
  removed: [config(), config({ functionName: 'other' }).replace('topic: orders', 'topic: payments'), []],
};

const WENT_ON = 'aws-stub: no recorded answer for CloudFormation.describeStacks';

after(() => h.removeInstall());

describe('the deploy guard', () => {
  let root;
  const runs = {};

  before(async () => {
    root = h.installPlugin();
    const stub = fs.readFileSync(path.join(__dirname, 'fixtures', 'aws-stub.js'), 'utf8');
    const tasks = Object.entries(CASES).map(([name, [deployedConfig, nextConfig, args]]) => async () => {
      let answers = NO_STACK;
      if (deployedConfig) {
        // The template the deployed config packages to (the plugin's own merge included).
        const packaged = h.service(root, `guard-${name}-deployed`, deployedConfig, {
          'aws-stub.js': stub,
          'aws-answers.json': '{}\n',
        });
        const run = await h.slsPackage(packaged);
        assert.equal(run.status, 0, run.output);
        answers = deployedAnswer(run.template);
      }
      const dir = h.service(root, `guard-${name}`, nextConfig, {
        'aws-stub.js': stub,
        'aws-answers.json': `${JSON.stringify(answers)}\n`,
      });
      const run = await h.slsDeploy(dir, args);
      const calls = JSON.parse(fs.readFileSync(path.join(dir, 'aws-calls.json'), 'utf8'));
      runs[name] = { ...run, calls: calls.map((c) => c.call), getTemplate: calls.find((c) => c.call === 'CloudFormation.getTemplate') };
    });
    await h.pool(tasks, 2);
  });

  const went = (run) => {
    assert.ok(run.output.includes(WENT_ON), `the deploy stopped before createStack:\n${run.output}`);
    assert.ok(run.calls.includes('CloudFormation.describeStacks'), run.calls.join(', '));
  };
  const stopped = (run, code) => {
    assert.notEqual(run.status, 0, run.output);
    assert.ok(!run.output.includes(WENT_ON), `the deploy went on:\n${run.output}`);
    assert.ok(!run.calls.includes('CloudFormation.describeStacks'), run.calls.join(', '));
    assert.match(run.output, new RegExp(`\\[${code}\\]`));
    assert.match(run.output, /Nothing was deployed/);
  };

  test('the deployed template is read with GetTemplate (Original) of the service stack', (t) => {
    for (const run of Object.values(runs)) {
      assert.deepEqual(run.getTemplate.params, { StackName: STACK, TemplateStage: 'Original' });
    }
    return undefined;
  });

  test('no stack yet: nothing to compare, the deploy goes on', (t) => {
    went(runs.noStack);
    assert.doesNotMatch(runs.noStack.output, /\[MSK_/);
    return undefined;
  });

  test('changes made in place: no finding, the deploy goes on', (t) => {
    went(runs.inPlace);
    assert.doesNotMatch(runs.inPlace.output, /\[MSK_/);
    return undefined;
  });

  test('a replaced mapping without a group: stopped with MSK_OFFSETS_RESET, before anything is deployed', (t) => {
    const run = runs.offsetsReset;
    stopped(run, 'MSK_OFFSETS_RESET');
    assert.ok(run.output.includes(`${MAPPING}: `), run.output);
    assert.match(run.output, /skips the messages/);
    assert.match(run.output, /allowReplacement: true or --msk-allow-replacement/);
    return undefined;
  });

  test('a pinned group on a replaced mapping: stopped with MSK_CONSUMER_GROUP_REUSED', (t) => {
    stopped(runs.groupReused, 'MSK_CONSUMER_GROUP_REUSED');
    return undefined;
  });

  for (const name of ['acknowledgedInConfig', 'acknowledgedOnCommandLine']) {
    test(`acknowledged (${name}): the findings are warnings and the deploy goes on`, (t) => {
      const run = runs[name];
      went(run);
      assert.match(run.output, /Warning: msk: .*\[MSK_MAPPING_REPLACED\]/);
      assert.match(run.output, /Warning: msk: .*\[MSK_OFFSETS_RESET\] \(acknowledged\)/);
      return undefined;
    });
  }

  test('a removed mapping is a warning: the deploy goes on', (t) => {
    const run = runs.removed;
    went(run);
    assert.match(run.output, /Warning: msk: .*\[MSK_MAPPING_REMOVED\]/);
    return undefined;
  });
});
