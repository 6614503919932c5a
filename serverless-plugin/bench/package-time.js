'use strict';

//! What the plugin adds to `serverless package` wall time: a synthetic service
//! (msk_compile::synth, FUNCTIONS x EVENTS msk events) packaged without and with the plugin
//! (default profile, extended), in alternation after one warm-up each, RUNS times; prints each
//! run and the medians. Run `npm test` (or `node test/pack.js`) first: it uses the packed plugin.
//!
//!   node bench/package-time.js [FUNCTIONS=50] [EVENTS=2] [RUNS=5]

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('../test/harness');

const [functions = 50, events = 2, runs = 5] = process.argv.slice(2).map(Number);

const synth = () => {
  const result = spawnSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'msk-compile', '--example', 'synth', '--', String(functions), String(events)],
    { cwd: h.REPO_DIR, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  if (result.status !== 0) throw new Error('synth failed');
  return result.stdout;
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const timed = async (dir) => {
  const start = process.hrtime.bigint();
  const run = await h.slsPackage(dir);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`serverless package failed in ${dir}:\n${run.output}`);
  return ms;
};

const main = async () => {
  const config = synth();
  const root = h.installPlugin();
  try {
    const without = h.service(root, 'without', config);
    const withPlugin = h.service(root, 'with', h.withPlugin(config));
    await timed(without); // warm-ups: the framework's schema cache, the file cache
    await timed(withPlugin);
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i++) {
      a.push(await timed(without));
      b.push(await timed(withPlugin));
      process.stdout.write(`run ${i + 1}: without ${a[i].toFixed(0)} ms, with ${b[i].toFixed(0)} ms\n`);
    }
    const [ma, mb] = [median(a), median(b)];
    process.stdout.write(
      `${functions} x ${events}: median without ${ma.toFixed(0)} ms, with ${mb.toFixed(0)} ms, ` +
        `+${(mb - ma).toFixed(0)} ms (${(((mb - ma) / ma) * 100).toFixed(1)} %)\n`
    );
  } finally {
    h.removeInstall();
  }
};

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
