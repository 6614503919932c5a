'use strict';

//! Test harness: installs the tarball `npm pack` made (test/pack.js) with npm into a temporary
//! directory whose services use it, and runs a real framework offline, as
//! ../shared/oracle/sls-package does: fake credentials, no telemetry, an empty network namespace
//! when `unshare -n` works. The frameworks (HOSTS) are this package's pinned devDependencies:
//! serverless 3.40.0 and osls 4.3.1; a test that runs a framework runs under each of them.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const PACKAGE_DIR = path.join(__dirname, '..');
const REPO_DIR = path.join(PACKAGE_DIR, '..');
const frameworkBin = (name) => path.join(PACKAGE_DIR, 'node_modules', name, 'bin', 'serverless.js');

/**
 * What osls 4.3.1 refuses in a Serverless v3 config, rewritten as ../shared/oracle-osls does:
 * `frameworkVersion: '3'` (osls reports its own version, 4.3.1: FRAMEWORK_VERSION_MISMATCH)
 * becomes `'>=3'`, and the runtime `nodejs18.x` (not in osls' list) becomes `nodejs20.x`. Works on
 * YAML and on a serverless.js; only that line's columns move.
 */
const forOsls = (configText) =>
  configText
    .replace(/^(\s*['"]?frameworkVersion['"]?\s*:\s*)(['"]?)\^?3\2/gm, "$1'>=3'")
    .replace(/\bnodejs18\.x\b/g, 'nodejs20.x');

/**
 * The frameworks the plugin is tested in. `config(text)` makes a Serverless v3 config one the
 * host accepts; `home` is its $HOME (the framework caches its compiled schema validator under
 * $HOME/.serverless: one home per host for all runs keeps that cache warm; a cold one costs
 * 3-7 s per run).
 */
const HOSTS = [
  { name: 'serverless', version: '3.40.0', bin: frameworkBin('serverless'), config: (text) => text },
  { name: 'osls', version: '4.3.1', bin: frameworkBin('osls'), config: forOsls },
].map((host) => ({
  ...host,
  label: `${host.name}@${host.version}`,
  home: path.join(os.tmpdir(), `serverless-msk-events-test-home-${host.name}`),
}));
const [SERVERLESS] = HOSTS;

const run = (cmd, args, options = {}) => {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
};

const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(REPO_DIR, 'target');
/** target/release/msk-compile (`cargo build --release -p msk-compile`). */
const releaseBinary = () => path.join(TARGET_DIR, 'release', 'msk-compile');

/**
 * A native msk-compile to compare the plugin with: MSK_COMPILE_BIN if set, else the newest of
 * target/release and target/debug (`cargo test --workspace` builds the debug one). None is an
 * error: a test that needs it fails rather than skips.
 */
const nativeBinary = () => {
  if (process.env.MSK_COMPILE_BIN) return process.env.MSK_COMPILE_BIN;
  const built = [releaseBinary(), path.join(TARGET_DIR, 'debug', 'msk-compile')]
    .filter((file) => fs.existsSync(file))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!built.length) throw new Error(`no native msk-compile in ${TARGET_DIR}: run cargo build -p msk-compile first`);
  return built[0];
};

/** Where test/pack.js (`pretest`) puts the tarball. */
const PACK_DIR = path.join(PACKAGE_DIR, 'node_modules', '.test-pack');

let installed = null;
/**
 * `npm install`s the tarball test/pack.js made into a fresh directory (once per test file);
 * services made with `service()` live below it. Returns that directory.
 */
const installPlugin = () => {
  if (installed) return installed;
  const tarballs = fs.existsSync(PACK_DIR) ? fs.readdirSync(PACK_DIR).filter((f) => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) throw new Error(`no packed plugin in ${PACK_DIR}: run the tests with \`npm test\``);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-test-'));
  fs.writeFileSync(path.join(root, 'package.json'), '{"private": true}\n');
  run('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(PACK_DIR, tarballs[0])], {
    cwd: root,
  });
  installed = root;
  return root;
};

/** The installed plugin's folder below `root` (from `installPlugin()`). */
const installedPackage = (root) => path.join(root, 'node_modules', 'serverless-msk-events');

/** cfn-lint from the validators' virtualenv that scripts/setup creates (CFN_LINT overrides). */
const cfnLint = () => {
  const candidate = process.env.CFN_LINT || path.join(REPO_DIR, '.venv-validators', 'bin', 'cfn-lint');
  if (!fs.existsSync(candidate)) throw new Error(`${candidate} is not installed: run scripts/setup`);
  return candidate;
};

const removeInstall = () => {
  if (installed) fs.rmSync(installed, { recursive: true, force: true });
  installed = null;
};

/** Handler files for every `handler: file.export` line, as the oracle creates them. */
const handlerFiles = (configText) => {
  const files = new Map();
  for (const match of configText.matchAll(/^\s*handler:\s*['"]?([\w./-]+)\.(\w+)['"]?\s*$/gm)) {
    const file = `${match[1]}.js`;
    if (!files.has(file)) files.set(file, new Set());
    files.get(file).add(match[2]);
  }
  if (!files.size) files.set('handler.js', new Set(['main']));
  return files;
};

/**
 * Writes a service directory below `root`: serverless.yml (unless `configText` is null, e.g. for
 * a serverless.js among `extraFiles`), its handler files, and `extraFiles`.
 */
const service = (root, name, configText, extraFiles = {}) => {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  if (configText !== null) fs.writeFileSync(path.join(dir, 'serverless.yml'), configText);
  for (const [file, names] of configText === null ? [] : handlerFiles(configText)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, [...names].map((n) => `module.exports.${n} = async () => ({});\n`).join(''));
  }
  for (const [file, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
};

/**
 * Adds `plugins:` (`serverless-msk-events`, or the given list) and, when given,
 * `custom.mskEvents.profile` to a YAML config in block style (a config that already has them is
 * refused rather than guessed at).
 */
const withPlugin = (configText, profile, plugins = ['serverless-msk-events']) => {
  if (/^plugins:/m.test(configText)) throw new Error('config already lists plugins');
  let text = configText.endsWith('\n') ? configText : `${configText}\n`;
  if (profile) {
    const settings = `  mskEvents:\n    profile: ${profile}\n`;
    if (/^custom:[ \t]*(#.*)?$/m.test(text)) text = text.replace(/^custom:[ \t]*(#.*)?\n/m, (line) => `${line}${settings}`);
    else if (/^custom:/m.test(text)) throw new Error('config has a flow-style custom section');
    else text += `custom:\n${settings}`;
  }
  return `${text}plugins:\n${plugins.map((name) => `  - ${name}\n`).join('')}`;
};

/**
 * The plugins users run beside this one, pinned as devDependencies of this package: made
 * loadable from the services below `root` (installPlugin's directory) by linking them into its
 * node_modules.
 */
const NEIGHBOURS = ['serverless-iam-roles-per-function', 'serverless-offline', 'serverless-esbuild', 'esbuild'];
const installNeighbours = (root) => {
  for (const name of NEIGHBOURS) {
    const source = path.join(PACKAGE_DIR, 'node_modules', name);
    if (!fs.existsSync(source)) throw new Error(`${name} is not installed in ${PACKAGE_DIR}: run scripts/setup`);
    const link = path.join(root, 'node_modules', name);
    if (!fs.existsSync(link)) fs.symlinkSync(source, link, 'dir');
  }
};

const canUnshare = (() => {
  let answer = null;
  return () => {
    if (answer === null) {
      const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
      answer = !r.error && r.status === 0;
    }
    return answer;
  };
})();

const frameworkEnv = (host, extra = {}) => {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|SLS_|SERVERLESS_)/.test(key)) env[key] = value;
  }
  fs.mkdirSync(host.home, { recursive: true });
  return Object.assign(env, {
    HOME: host.home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DISABLE_AUTO_UPDATE: '1',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    AWS_ACCESS_KEY_ID: 'OFFLINETESTFAKEKEY',
    AWS_SECRET_ACCESS_KEY: 'offline-test-fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
};

/**
 * Runs `serverless package --stage dev --region us-east-1` of `host` (default serverless 3.40.0)
 * in `dir`. Resolves to `{ status, output, template }` (template: the text of
 * .serverless/cloudformation-template-update-stack.json, or null).
 */
const slsPackage = (dir, env = {}, host = SERVERLESS) =>
  new Promise((resolve, reject) => {
    if (!fs.existsSync(host.bin)) {
      reject(new Error(`${host.label} is not installed (${host.bin}): run scripts/setup`));
      return;
    }
    fs.rmSync(path.join(dir, '.serverless'), { recursive: true, force: true });
    const args = [host.bin, 'package', '--stage', 'dev', '--region', 'us-east-1'];
    const [cmd, argv] = canUnshare() ? ['unshare', ['-n', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, { cwd: dir, env: frameworkEnv(host, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const file = path.join(dir, '.serverless', 'cloudformation-template-update-stack.json');
      const template = status === 0 && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      resolve({ status, output, template });
    });
  });

/**
 * Runs `serverless deploy --stage dev --region us-east-1` (plus `args`) of `host` in `dir`,
 * offline as `slsPackage` runs: the service's own plugins must answer every AWS request (see
 * test/fixtures/aws-stub.js). Resolves to `{ status, output }`.
 */
const slsDeploy = (dir, args = [], env = {}, host = SERVERLESS) =>
  new Promise((resolve, reject) => {
    fs.rmSync(path.join(dir, '.serverless'), { recursive: true, force: true });
    const argv0 = [host.bin, 'deploy', '--stage', 'dev', '--region', 'us-east-1', ...args];
    const [cmd, argv] = canUnshare() ? ['unshare', ['-n', process.execPath, ...argv0]] : [process.execPath, argv0];
    const child = spawn(cmd, argv, { cwd: dir, env: frameworkEnv(host, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });

/** The only run-dependent bytes of a template: the timestamped artifact directory in S3Key. */
const stable = (text) =>
  text.replace(/("S3Key": "[^"]*\/)\d{13}-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\//g, '$10000000000000-1970-01-01T00:00:00.000Z/');

/** Runs `tasks` (functions returning promises) `limit` at a time; results in order. */
const pool = async (tasks, limit) => {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
};

module.exports = {
  HOSTS,
  PACKAGE_DIR,
  PACK_DIR,
  REPO_DIR,
  cfnLint,
  installNeighbours,
  installPlugin,
  installedPackage,
  nativeBinary,
  pool,
  releaseBinary,
  removeInstall,
  service,
  slsDeploy,
  slsPackage,
  stable,
  withPlugin,
};
