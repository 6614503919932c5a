'use strict';

//! The two engines on one synthetic service (msk_compile::synth, FUNCTIONS x EVENTS msk
//! events), in alternation after one warm-up each, RUNS times: the WebAssembly module in this
//! Node process (`engine.run`, a fresh instance per run, request and reply included) and the
//! native CLI as a process (`msk-compile compile FILE`, start to exit, output read back).
//! Prints each run, the medians, the module's size and, when `npm test` has packed the plugin,
//! the tarball's size.
//!
//!   node bench/engines.js [FUNCTIONS=1000] [EVENTS=10] [RUNS=15] [NATIVE=target/release/msk-compile]

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('../test/harness');
const { WASM_FILE, selectEngine } = require('../lib/engine');

const args = process.argv.slice(2);
const [functions = 1000, events = 10, runs = 15] = args.slice(0, 3).map(Number);
const native = args[3] || h.releaseBinary();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

const main = () => {
  const synth = spawnSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'msk-compile', '--example', 'synth', '--', String(functions), String(events)],
    { cwd: h.REPO_DIR, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  if (synth.status !== 0) throw new Error('synth failed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msk-engines-'));
  const file = path.join(dir, 'serverless.yml');
  fs.writeFileSync(file, synth.stdout);
  const engine = selectEngine({});
  const request = { command: 'compile', config: synth.stdout, configName: file };

  const wasm = () => {
    const start = process.hrtime.bigint();
    const reply = engine.run(request);
    const time = ms(start);
    if (reply.status !== 0) throw new Error(reply.stderr);
    return [time, reply.stdout];
  };
  const cli = () => {
    const start = process.hrtime.bigint();
    const result = spawnSync(native, ['compile', file], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    const time = ms(start);
    if (result.status !== 0) throw new Error(result.stderr);
    return [time, result.stdout];
  };
  const [, fromWasm] = wasm();
  const [, fromCli] = cli();
  if (fromWasm !== fromCli) throw new Error('the engines disagree');
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(wasm()[0]);
    b.push(cli()[0]);
    process.stdout.write(`run ${i + 1}: module ${a[i].toFixed(0)} ms, native ${b[i].toFixed(0)} ms\n`);
  }
  process.stdout.write(
    `${functions} x ${events} (${synth.stdout.length} bytes in, ${fromCli.length} out): ` +
      `median module (in Node ${process.version}) ${median(a).toFixed(0)} ms, native CLI ${median(b).toFixed(0)} ms, ` +
      `ratio ${(median(a) / median(b)).toFixed(2)}\n`
  );
  process.stdout.write(`module ${WASM_FILE}: ${fs.statSync(WASM_FILE).size} bytes\n`);
  const tarballs = fs.existsSync(h.PACK_DIR) ? fs.readdirSync(h.PACK_DIR).filter((f) => f.endsWith('.tgz')) : [];
  for (const tarball of tarballs) {
    process.stdout.write(`tarball ${tarball}: ${fs.statSync(path.join(h.PACK_DIR, tarball)).size} bytes\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
};

main();
