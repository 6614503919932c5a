'use strict';

//! The msk-compile engine the plugin runs, behind one interface: `selectEngine()` gives
//! `{ kind, source, run(request) }`, and `run` answers `{ status, stdout, stderr }`, what the
//! command line exits with and writes for that request. By default the engine is the
//! WebAssembly module packed with the plugin (wasm/msk-compile.wasm), run inside Node: no
//! process, no native binary, the same on every platform. MSK_COMPILE_BIN=<path> runs that
//! native msk-compile instead (a process per request, with a timeout).
//!
//! Requests: `{ command: 'compile', config, configName, resolved?, template?, templateName?,
//! profile?, host?, stage?, region?, messageFormat? }`, `{ command: 'diff', old, new }` (two
//! templates' texts) and `{ command: 'schema', profile?, serverless? }`.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { constants: bufferConstants } = require('buffer');
const { spawnSync } = require('child_process');
const { Worker } = require('worker_threads');

const PACKAGE_DIR = path.join(__dirname, '..');
const WASM_FILE = path.join(PACKAGE_DIR, 'wasm', 'msk-compile.wasm');
/** The native engine's time limit (MSK_COMPILE_TIMEOUT, in seconds, overrides it). */
const DEFAULT_TIMEOUT_SECONDS = 300;
/** The longest text Node can make a string of: longer output is refused with a clear error. */
const MAX_OUTPUT_BYTES = Math.min(bufferConstants.MAX_STRING_LENGTH, 512 * 1024 * 1024);

class EngineError extends Error {}

const tooLarge = (bytes) =>
  new EngineError(
    `msk-compile's output is ${bytes} bytes, more than the ${MAX_OUTPUT_BYTES} bytes a JavaScript string can hold`
  );

// ---------------------------------------------------------------------------------------------
// The WebAssembly engine.

let compiledModule = null;

/** The module, compiled once per process (instances are made per request). */
const wasmModule = (file) => {
  if (compiledModule && compiledModule.file === file) return compiledModule.module;
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new EngineError(
      `the msk-compile WebAssembly module is missing (${file}: ${error.code || error.message}); ` +
        'reinstall serverless-msk-events, or set MSK_COMPILE_BIN to a native msk-compile'
    );
  }
  const module = new WebAssembly.Module(bytes);
  compiledModule = { file, module };
  return module;
};

/** The module compiled from `file` in this thread, if any (for lib/warm-up.js). */
const compiledModuleOf = (file) => (compiledModule && compiledModule.file === file ? compiledModule.module : null);

/**
 * Compiles the module on a worker thread and runs `request` there (lib/warm-up.js), so that the
 * first request of this thread finds the module's code compiled: V8 compiles WebAssembly
 * functions when they are first called, which on this module costs far more than the compile
 * itself. Resolves when done, never rejects (a failure is left to `run` to report).
 */
const prepareWasm = (file, request) => {
  if (compiledModuleOf(file)) return Promise.resolve();
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(path.join(__dirname, 'warm-up.js'), { workerData: { file, request } });
    } catch (ignore) {
      resolve();
      return;
    }
    // Never keeps the process alive: `serverless print` and the like end without waiting.
    worker.unref();
    worker.once('message', (module) => {
      if (module instanceof WebAssembly.Module && !compiledModuleOf(file)) compiledModule = { file, module };
      worker.terminate().then(resolve, resolve);
    });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
};

/**
 * Runs one request in a fresh instance of the module (a trap or an exhausted memory cannot
 * leave state behind for the next request).
 */
const runWasm = (file, request) => {
  const instance = new WebAssembly.Instance(wasmModule(file), {});
  const { memory, msk_alloc: alloc, msk_free: free, msk_handle: handle } = instance.exports;
  const input = Buffer.from(JSON.stringify(request), 'utf8');
  const inputPtr = alloc(input.length);
  if (!inputPtr) throw new EngineError(`msk-compile (WebAssembly) has no memory left for a ${input.length}-byte request`);
  new Uint8Array(memory.buffer, inputPtr, input.length).set(input);
  let replyPtr;
  try {
    replyPtr = handle(inputPtr, input.length);
  } catch (error) {
    // A trap: a panic (the module aborts) or memory exhausted or the stack overflowed.
    throw new EngineError(`msk-compile (WebAssembly) stopped: ${error.message}`);
  }
  if (!replyPtr) throw new EngineError('msk-compile (WebAssembly) ran out of memory for its reply');
  // memory.buffer may have grown (a new ArrayBuffer) during the call: read it afterwards.
  const length = new DataView(memory.buffer).getUint32(replyPtr, true);
  if (length > MAX_OUTPUT_BYTES) throw tooLarge(length);
  const text = Buffer.from(memory.buffer, replyPtr + 4, length).toString('utf8');
  free(replyPtr, length + 4);
  free(inputPtr, input.length);
  return parseReply(text, 'msk-compile (WebAssembly)');
};

const parseReply = (text, who) => {
  let reply;
  try {
    reply = JSON.parse(text);
  } catch (error) {
    throw new EngineError(`${who} replied with something that is not JSON: ${error.message}`);
  }
  if (!reply || typeof reply.status !== 'number' || typeof reply.stdout !== 'string' || typeof reply.stderr !== 'string') {
    throw new EngineError(`${who} replied without a status, stdout and stderr`);
  }
  return reply;
};

// ---------------------------------------------------------------------------------------------
// The native engine: the request as command-line arguments, its texts as files and stdin.

const timeoutSeconds = (env) => {
  const value = Number(env.MSK_COMPILE_TIMEOUT);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
};

const nativeArgs = (request, templatePath, dir) => {
  if (request.command === 'diff') {
    const oldPath = path.join(dir, 'deployed.json');
    const newPath = path.join(dir, 'next.json');
    fs.writeFileSync(oldPath, request.old);
    fs.writeFileSync(newPath, request.new);
    return ['diff', oldPath, newPath, '--message-format', 'json'];
  }
  if (request.command === 'schema') {
    const args = ['schema'];
    if (request.serverless) args.push('--serverless');
    if (request.profile) args.push('--profile', request.profile);
    return args;
  }
  const args = ['compile', request.configName];
  if (request.resolved !== undefined && request.resolved !== null) args.push('--resolved', '-');
  if (templatePath) args.push('--template', templatePath);
  if (request.profile) args.push('--profile', request.profile);
  if (request.host) args.push('--host', request.host);
  args.push('--message-format', request.messageFormat || 'json');
  if (request.stage) args.push('--stage', request.stage);
  if (request.region) args.push('--region', request.region);
  return args;
};

const runNative = (binary, request, env) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-'));
  try {
    let templatePath = null;
    if (request.command === 'compile' && typeof request.template === 'string') {
      templatePath = path.join(dir, 'cloudformation-template.json');
      fs.writeFileSync(templatePath, request.template);
    }
    const seconds = timeoutSeconds(env);
    const result = spawnSync(binary, nativeArgs(request, templatePath, dir), {
      input: request.resolved === undefined || request.resolved === null ? '' : request.resolved,
      maxBuffer: MAX_OUTPUT_BYTES,
      timeout: seconds * 1000,
      killSignal: 'SIGKILL',
      windowsHide: true,
    });
    const error = result.error;
    if (error && error.code === 'ETIMEDOUT') {
      throw new EngineError(`${binary} did not finish within ${seconds} s (MSK_COMPILE_TIMEOUT sets the limit in seconds) and was stopped`);
    }
    if (error && error.code === 'ENOBUFS') throw tooLarge(`more than ${MAX_OUTPUT_BYTES}`);
    // EPIPE: the engine exited before reading all of stdin; its exit status and stderr say why.
    if (error && !(error.code === 'EPIPE' && (result.status !== null || result.signal))) {
      const cannot = new EngineError(`cannot run ${binary}: ${error.message}`);
      cannot.spawnFailed = true;
      throw cannot;
    }
    if (result.signal) {
      const stderr = result.stderr ? result.stderr.toString('utf8').trim() : '';
      throw new EngineError(`${binary} was stopped by ${result.signal}${stderr ? `: ${stderr}` : ''}`);
    }
    return {
      status: result.status,
      stdout: result.stdout.toString('utf8'),
      stderr: result.stderr.toString('utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------------------------------------

const isExecutable = (file) => {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch (ignore) {
    return false;
  }
};

/**
 * The engine to use: MSK_COMPILE_BIN (a native msk-compile) when set, else the packed
 * WebAssembly module (MSK_COMPILE_WASM overrides its path). `{ error }` when the one asked for
 * cannot run. `prepare(request)`, where there is one, gets the engine ready for requests like
 * `request` ahead of time (a promise; `run` works without it, only slower the first time).
 */
const selectEngine = (env = process.env) => {
  if (env.MSK_COMPILE_BIN) {
    const binary = env.MSK_COMPILE_BIN;
    if (!isExecutable(binary)) {
      return { error: `MSK_COMPILE_BIN is set to ${binary}, which is not an executable file.` };
    }
    return { kind: 'native', source: binary, run: (request) => runNative(binary, request, env) };
  }
  const file = env.MSK_COMPILE_WASM || WASM_FILE;
  return {
    kind: 'wasm',
    source: file,
    run: (request) => runWasm(file, request),
    prepare: (request) => prepareWasm(file, request),
  };
};

module.exports = { EngineError, MAX_OUTPUT_BYTES, WASM_FILE, compiledModuleOf, selectEngine };
