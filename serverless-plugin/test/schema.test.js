'use strict';

// The schema the plugin registers comes from msk-compile's own export, reduced by
// lib/schema-export.js to what the framework's Ajv accepts: checked here with the framework's
// Ajv and its options (strict mode), on the export of the WebAssembly module the plugin packs.

const assert = require('node:assert/strict');
const path = require('path');
const { test } = require('node:test');
const { toFrameworkSchema } = require('../lib/schema-export');
const { extendedSchema } = require('../lib/schema');

const frameworkDir = path.dirname(require.resolve('serverless/package.json'));
const Ajv = require(require.resolve('ajv', { paths: [frameworkDir] })).default;
const addFormats = require(require.resolve('ajv-formats', { paths: [frameworkDir] })).default;

const { selectEngine } = require('../lib/engine');

// The module in this folder: pretest's npm pack built it (wasm/msk-compile.wasm).
const engine = selectEngine({});

const exported = (...args) => {
  const profile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
  const reply = engine.run({ command: 'schema', profile, serverless: args.includes('--serverless') });
  return reply.status === 0 ? JSON.parse(reply.stdout) : null;
};

// As resolve-ajv-validate.js in serverless 3.40.0 builds it; strict-mode type warnings are
// collected instead of logged.
const frameworkAjv = () => {
  const warnings = [];
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: 'array',
    verbose: true,
    strict: true,
    strictRequired: false,
    logger: { log: () => {}, warn: (...m) => warnings.push(m.join(' ')), error: (...m) => warnings.push(m.join(' ')) },
  });
  addFormats(ajv);
  return { ajv, warnings };
};

const compileEvent = (schema) => {
  const { properties, required } = toFrameworkSchema(schema);
  const { ajv, warnings } = frameworkAjv();
  const validate = ajv.compile({ type: 'object', properties, required, additionalProperties: false });
  return { validate, warnings, properties };
};

const ARN = 'arn:aws:kafka:us-east-1:111111111111:cluster/orders/1';

test('the serverless-v3 export compiles in the framework\'s strict Ajv and judges as the framework does', () => {
  const { validate, warnings, properties } = compileEvent(exported());
  assert.deepEqual(warnings, []);
  assert.ok(validate({ arn: ARN, topic: 'orders', batchSize: 10, startingPosition: 'LATEST' }));
  assert.ok(validate({ arn: { Ref: 'Cluster' }, topic: 'orders' }));
  assert.ok(!validate({ arn: ARN, topic: 'orders', batchSize: 0 }));
  assert.ok(!validate({ arn: ARN, topic: 'orders', bogusKey: 1 }));
  assert.ok(!validate({ arn: 'not-an-arn', topic: 'orders' }));
  assert.ok(!validate({ topic: 'orders' }));
  // editor-only annotations are gone
  assert.doesNotMatch(JSON.stringify(properties), /markdownDescription|defaultSnippets|errorMessage|"\$ref"/);
});

test('the extended export compiles in the framework\'s strict Ajv', () => {
  const schema = exported('--profile', 'extended');
  assert.ok(schema, 'msk-compile schema --profile extended failed');
  const { validate, warnings } = compileEvent(schema);
  assert.deepEqual(warnings, []);
  assert.ok(validate({ arn: ARN, topic: 'orders' }));
});

test('keys the framework does not define are added; widened ones replace its definition', () => {
  const schema = {
    properties: { arn: { anyOf: [] }, topic: { type: 'string' }, extra: { type: 'string' } },
    required: ['arn', 'extra'],
    widened: ['arn'],
  };
  assert.deepEqual(extendedSchema(new Set(['arn', 'topic']), schema), {
    extension: { properties: { extra: { type: 'string' } }, required: ['extra'] },
    widened: { arn: { anyOf: [] } },
  });
  assert.deepEqual(extendedSchema(new Set(['arn']), null), { extension: { properties: {}, required: [] }, widened: {} });
});
