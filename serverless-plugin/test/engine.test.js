'use strict';

// The engine: by default the packed WebAssembly module, run in this process; MSK_COMPILE_BIN a
// native msk-compile, whose failures (a hang, an early exit, huge or wrong output) come out as
// clear errors; and the check of the engine's template before it replaces the framework's.

const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test, describe } = require('node:test');
const { selectEngine, EngineError, WASM_FILE } = require('../lib/engine');
const { checkMergedTemplate, formatDiagnostic } = require('../lib/compile');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-engine-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const CONFIG = `service: s
provider: {name: aws}
functions:
  consumer:
    handler: h.main
    events:
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1
          topic: orders
`;

/** A native "engine": a shell script. */
const script = (name, body) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
  return file;
};

describe('the default engine', () => {
  test('is the packed WebAssembly module, run in this process', () => {
    const engine = selectEngine({ PATH: '' });
    assert.equal(engine.kind, 'wasm');
    assert.equal(engine.source, WASM_FILE);
    assert.ok(fs.statSync(WASM_FILE).size > 0, 'npm pack (pretest) built wasm/msk-compile.wasm');
    const reply = engine.run({ command: 'compile', config: CONFIG, configName: 'serverless.yml' });
    assert.equal(reply.status, 0, reply.stderr);
    assert.ok(JSON.parse(reply.stdout).Resources.ConsumerEventSourceMappingMSKOrdersOrders);
  });

  test('a missing module says how to get one', () => {
    const engine = selectEngine({ MSK_COMPILE_WASM: path.join(dir, 'none.wasm') });
    assert.throws(() => engine.run({ command: 'schema' }), /WebAssembly module is missing .*MSK_COMPILE_BIN/);
  });

  test('a module that is not WebAssembly is an error, not a crash', () => {
    const file = path.join(dir, 'bad.wasm');
    fs.writeFileSync(file, 'not wasm');
    assert.throws(() => selectEngine({ MSK_COMPILE_WASM: file }).run({ command: 'schema' }), WebAssembly.CompileError);
  });
});

describe('MSK_COMPILE_BIN', () => {
  test('that is not executable is an error, not a fallback', () => {
    const engine = selectEngine({ MSK_COMPILE_BIN: path.join(dir, 'nope') });
    assert.match(engine.error, /MSK_COMPILE_BIN is set to .*nope, which is not an executable file/);
  });

  test('a hung engine is stopped after MSK_COMPILE_TIMEOUT seconds', () => {
    const binary = script('hang', 'exec sleep 30');
    const engine = selectEngine({ MSK_COMPILE_BIN: binary, MSK_COMPILE_TIMEOUT: '1' });
    const started = Date.now();
    assert.throws(
      () => engine.run({ command: 'compile', config: '', configName: 'serverless.yml', resolved: '{}' }),
      (error) => error instanceof EngineError && /did not finish within 1 s/.test(error.message)
    );
    assert.ok(Date.now() - started < 10000);
  });

  test('an engine that exits before reading stdin reports its own error, not EPIPE', () => {
    const binary = script('early-exit', "echo 'error: [MSK_SOMETHING]: the real reason' >&2\nexit 2");
    const engine = selectEngine({ MSK_COMPILE_BIN: binary });
    // Much more than a pipe's buffer, so that writing it fails once the engine is gone.
    const resolved = JSON.stringify({ padding: 'x'.repeat(4 * 1024 * 1024) });
    const reply = engine.run({ command: 'compile', config: '', configName: 'serverless.yml', resolved });
    assert.equal(reply.status, 2);
    assert.match(reply.stderr, /the real reason/);
  });

  test('an engine killed by a signal says so', () => {
    const engine = selectEngine({ MSK_COMPILE_BIN: script('killed', 'kill -9 $$') });
    assert.throws(() => engine.run({ command: 'schema' }), /stopped by SIGKILL/);
  });

  test('output a JavaScript string cannot hold is a clear error', () => {
    // 600 MiB of output: more than the 512 MiB limit, checked without decoding it.
    const binary = script('flood', 'head -c 629145600 /dev/zero');
    const engine = selectEngine({ MSK_COMPILE_BIN: binary });
    assert.throws(() => engine.run({ command: 'schema' }), /more than the \d+ bytes a JavaScript string can hold/);
  });
});

describe("the engine's template is checked before it replaces the framework's", () => {
  const original = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      FEventSourceMappingMSKCOrders: { Type: 'AWS::Lambda::EventSourceMapping', Properties: {} },
    },
    Outputs: {},
  };
  for (const [what, text, message] of [
    ['null', 'null', /it is null/],
    ['an array', '[]', /it is an array/],
    ['not JSON', '{"Resources":', /it is not JSON/],
    ['no Resources', '{"AWSTemplateFormatVersion":"2010-09-09","Outputs":{}}', /no Resources|"Resources" is missing/],
    ['every resource dropped', '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{},"Outputs":{}}', /"Bucket" is missing/],
    ['a top-level key dropped', '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"Bucket":{"Type":"AWS::S3::Bucket"}}}', /"Outputs" is missing/],
    ['a resource without Type', '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"Bucket":null},"Outputs":{}}', /"Bucket" has no Type/],
  ]) {
    test(`${what} is refused`, () => {
      assert.throws(() => checkMergedTemplate(text, original), message);
    });
  }

  test('the msk mappings it replaces may go', () => {
    const merged = { ...original, Resources: { Bucket: original.Resources.Bucket, FEventSourceMappingMSKCNew: { Type: 'AWS::Lambda::EventSourceMapping' } } };
    assert.deepEqual(checkMergedTemplate(JSON.stringify(merged), original), merged);
  });
});

test('diagnostics reach the log with their control characters escaped', () => {
  const line = formatDiagnostic(
    { file: 'serverless.yml', line: 3, column: 5, message: 'topic \u001b]0;owned\u0007\u001b[2J\r\u009b', code: 'X', help: 'h\u001b[31m' },
    '/'
  );
  assert.doesNotMatch(line.replace('\n  help: ', ''), /[\u0000-\u001f\u007f-\u009f]/);
  assert.match(line, /\\u001b\]0;owned\\u0007/);
});
