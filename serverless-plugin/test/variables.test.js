'use strict';

// (d) The plugin compiles what the framework resolved: `${file(./msk.yml):…}` and `${env:…}`
// reach msk-compile as values (`--resolved -`), under both profiles.

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

const CONFIG = `service: vars
frameworkVersion: '3'
configValidationMode: error
provider:
  name: aws
  runtime: nodejs18.x
functions:
  consumer:
    handler: handler.main
    events:
      - msk:
          arn: \${file(./msk.yml):cluster}
          topic: \${env:MSK_EVENTS_TEST_TOPIC}
          batchSize: \${file(./msk.yml):batchSize}
          consumerGroupId: \${env:MSK_EVENTS_TEST_GROUP, 'fallback'}-\${sls:stage}
`;
const MSK_YML = `cluster: arn:aws:kafka:us-east-1:111111111111:cluster/from-file/0b1c2d
batchSize: 42
`;
const ENV = { MSK_EVENTS_TEST_TOPIC: 'orders.from-env' };

after(() => h.removeInstall());

describe('${file()} and ${env:} variables', () => {
  let skip = false;
  const runs = {};

  before(async () => {
    const root = h.installPlugin();
    skip = h.missingFeatures(h.pluginBinary(root));
    if (skip) return;
    const services = {
      without: CONFIG,
      v3: h.withPlugin(CONFIG, 'serverless-v3'),
      extended: h.withPlugin(CONFIG, 'extended'),
    };
    await h.pool(
      Object.entries(services).map(([name, text]) => async () => {
        runs[name] = await h.slsPackage(h.service(root, `vars-${name}`, text, { 'msk.yml': MSK_YML }), ENV);
      }),
      2
    );
  });

  test('serverless-v3: the framework\'s template', (t) => {
    if (skip) return t.skip(skip);
    assert.equal(runs.without.status, 0, runs.without.output);
    assert.equal(runs.v3.status, 0, runs.v3.output);
    assert.equal(h.stable(runs.v3.template), h.stable(runs.without.template));
    return undefined;
  });

  test('extended: the mapping holds the resolved values', (t) => {
    if (skip) return t.skip(skip);
    assert.equal(runs.extended.status, 0, runs.extended.output);
    const resources = JSON.parse(runs.extended.template).Resources;
    // Logical ID: function, cluster name and topic with every non-alphanumeric removed.
    const mapping = resources.ConsumerEventSourceMappingMSKFromfileOrdersfromenv;
    assert.ok(mapping, Object.keys(resources).join(', '));
    assert.equal(mapping.Properties.EventSourceArn, 'arn:aws:kafka:us-east-1:111111111111:cluster/from-file/0b1c2d');
    assert.deepEqual(mapping.Properties.Topics, ['orders.from-env']);
    assert.equal(mapping.Properties.BatchSize, 42);
    assert.deepEqual(mapping.Properties.AmazonManagedKafkaEventSourceConfig, { ConsumerGroupId: 'fallback-dev' });
    return undefined;
  });
});
