'use strict';

// (d) The plugin compiles what the framework resolved: `${file(./msk.yml):…}` and `${env:…}`
// reach msk-compile as values (`--resolved -`), under both profiles; a service configured in
// serverless.js (which msk-compile does not read) compiles from the resolved configuration alone.

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

const jsConfig = (msk) => `module.exports = {
  service: 'js-config',
  frameworkVersion: '3',
  configValidationMode: 'error',
  provider: { name: 'aws', runtime: 'nodejs18.x' },
  plugins: ['serverless-msk-events'],
  functions: { consumer: { handler: 'handler.main', events: [{ msk: ${JSON.stringify(msk)} }] } },
};
`;
const JS_FILES = (msk, config) => ({ 'serverless.js': config(jsConfig(msk)), 'handler.js': 'module.exports.main = async () => ({});\n' });
const JS_ARN = 'arn:aws:kafka:us-east-1:111111111111:cluster/js/1';

after(() => h.removeInstall());

for (const host of h.HOSTS) describe(`\${file()} and \${env:} variables under ${host.label}`, () => {
  const runs = {};

  before(async () => {
    const root = h.installPlugin();
    const config = (text) => host.config(text);
    const services = {
      without: CONFIG,
      v3: h.withPlugin(CONFIG, 'serverless-v3'),
      extended: h.withPlugin(CONFIG, 'extended'),
    };
    const tasks = Object.entries(services).map(([name, text]) => async () => {
      runs[name] = await h.slsPackage(h.service(root, `vars-${host.name}-${name}`, config(text), { 'msk.yml': MSK_YML }), ENV, host);
    });
    tasks.push(async () => {
      runs.js = await h.slsPackage(h.service(root, `js-${host.name}`, null, JS_FILES({ arn: JS_ARN, topic: 'orders' }, config)), {}, host);
    });
    tasks.push(async () => {
      const msk = { arn: JS_ARN, topic: 'orders', startingPosition: 'AT_TIMESTAMP' };
      runs.jsError = await h.slsPackage(h.service(root, `js-error-${host.name}`, null, JS_FILES(msk, config)), {}, host);
    });
    await h.pool(tasks, 2);
  });

  test('serverless-v3: the framework\'s template', () => {
    assert.equal(runs.without.status, 0, runs.without.output);
    assert.equal(runs.v3.status, 0, runs.v3.output);
    assert.equal(h.stable(runs.v3.template), h.stable(runs.without.template));
  });

  test('extended: the mapping holds the resolved values', () => {
    assert.equal(runs.extended.status, 0, runs.extended.output);
    const resources = JSON.parse(runs.extended.template).Resources;
    // Logical ID: function, cluster name and topic with every non-alphanumeric removed.
    const mapping = resources.ConsumerEventSourceMappingMSKFromfileOrdersfromenv;
    assert.ok(mapping, Object.keys(resources).join(', '));
    assert.equal(mapping.Properties.EventSourceArn, 'arn:aws:kafka:us-east-1:111111111111:cluster/from-file/0b1c2d');
    assert.deepEqual(mapping.Properties.Topics, ['orders.from-env']);
    assert.equal(mapping.Properties.BatchSize, 42);
    assert.deepEqual(mapping.Properties.AmazonManagedKafkaEventSourceConfig, { ConsumerGroupId: 'fallback-dev' });
  });

  test('serverless.js: compiled from the resolved configuration', () => {
    assert.equal(runs.js.status, 0, runs.js.output);
    const mapping = JSON.parse(runs.js.template).Resources.ConsumerEventSourceMappingMSKJsOrders;
    assert.equal(mapping.Properties.EventSourceArn, JS_ARN);
  });

  test('serverless.js: an error names the dotted path, not a position in the resolved JSON', () => {
    assert.notEqual(runs.jsError.status, 0, runs.jsError.output);
    assert.match(
      runs.jsError.output,
      /functions\.consumer\.events\.0\.msk\.startingPosition: You must specify startingPositionTimestamp .*\[FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID\]/
    );
    assert.doesNotMatch(runs.jsError.output, /<stdin>/);
  });
});
