'use strict';

// (b) The extended profile inside the framework: examples/extended/serverless.yml (every
// extended key) packages with the plugin, its mappings carry every extended CloudFormation
// property, the shared role holds exactly msk-compile's extended statements, and cfn-lint finds
// nothing on the mappings or the role.

const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { after, before, describe, test } = require('node:test');
const h = require('./harness');

const EXAMPLE_DIR = path.join(h.REPO_DIR, 'examples', 'extended');
const EXAMPLE = path.join(EXAMPLE_DIR, 'serverless.yml');

// The AWS::Lambda::EventSourceMapping properties the extended keys become (the extended profile's keys);
// `AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig` is nested.
const EXTENDED_PROPERTIES = [
  'ProvisionedPollerConfig',
  'DestinationConfig',
  'SourceAccessConfigurations',
  'KmsKeyArn',
  'MetricsConfig',
  'LoggingConfig',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'FunctionResponseTypes',
  'Tags',
];

const isMapping = (resource) => resource.Type === 'AWS::Lambda::EventSourceMapping';

after(() => h.removeInstall());

for (const host of h.HOSTS) describe(`profile extended under ${host.label}: examples/extended/serverless.yml`, () => {
  let run;
  let direct;

  before(async () => {
    const root = h.installPlugin();
    const binary = h.nativeBinary();
    const text = host.config(fs.readFileSync(EXAMPLE, 'utf8'));
    const siblings = Object.fromEntries(
      fs
        .readdirSync(EXAMPLE_DIR)
        .filter((name) => name !== 'serverless.yml' && fs.statSync(path.join(EXAMPLE_DIR, name)).isFile())
        .map((name) => [name, fs.readFileSync(path.join(EXAMPLE_DIR, name), 'utf8')])
    );
    const dir = h.service(root, `extended-${host.name}`, h.withPlugin(text, /^\s+mskEvents:/m.test(text) ? null : 'extended'), siblings);
    run = await h.slsPackage(dir, {}, host);
    // msk-compile on its own, for the statements it gives the shared role.
    const out = spawnSync(binary, ['compile', EXAMPLE, '--profile', 'extended', '--stage', 'dev', '--region', 'us-east-1'], {
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
    direct = JSON.parse(out.stdout);
  });

  test('packages', () => {
    assert.equal(run.status, 0, run.output);
  });

  test('the mappings carry every extended property', () => {
    const resources = JSON.parse(run.template).Resources;
    const mappings = Object.entries(resources).filter(([, r]) => isMapping(r));
    const used = new Set(mappings.flatMap(([, r]) => Object.keys(r.Properties)));
    for (const property of EXTENDED_PROPERTIES) assert.ok(used.has(property), `no mapping sets ${property}`);
    assert.ok(
      mappings.some(([, r]) => r.Properties.AmazonManagedKafkaEventSourceConfig?.SchemaRegistryConfig),
      'no mapping sets AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig'
    );
    // and they are msk-compile's, unchanged
    assert.deepEqual(Object.fromEntries(mappings), direct.Resources);
  });

  test('the shared role has exactly the extended statements', () => {
    const role = JSON.parse(run.template).Resources.IamRoleLambdaExecution;
    assert.ok(role, 'no IamRoleLambdaExecution');
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    // The framework's own statements (CloudWatch Logs) stay first; then msk-compile's.
    const ours = statements.filter((s) => ![s.Action].flat().every((a) => String(a).startsWith('logs:')));
    assert.deepEqual(ours, direct.IamRoleStatements);
    assert.ok(!JSON.stringify(ours).includes('kafka:DescribeCluster"'), 'v3 statement left behind');
  });

  test('cfn-lint finds nothing on the mappings or the role', () => {
    const lint = h.cfnLint();
    const template = JSON.parse(run.template);
    const checked = new Set(
      Object.entries(template.Resources)
        .filter(([id, r]) => isMapping(r) || id === 'IamRoleLambdaExecution' || r.Type === 'AWS::IAM::Role')
        .map(([id]) => id)
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msk-events-lint-')), 'template.json');
    fs.writeFileSync(file, run.template);
    const result = spawnSync(lint, ['--format', 'json', '--', file], { encoding: 'utf8' });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const findings = JSON.parse(result.stdout || '[]').filter((f) => checked.has(f.Location?.Path?.[1]));
    assert.deepEqual(findings, []);
  });
});
