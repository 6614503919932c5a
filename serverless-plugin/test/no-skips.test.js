'use strict';

// CI must report 0 skipped tests: a test that cannot run (a framework, a neighbour plugin,
// cfn-lint or a compiler feature missing) fails with what to install, it is never skipped, so
// that a regression never turns into a quiet skip. This keeps skip and todo markers out of the
// suite.

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { test } = require('node:test');

test('no test of the plugin can be skipped', () => {
  const found = [];
  for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
    text.split('\n').forEach((line, index) => {
      if (/\.(skip|todo)\(|\b(skip|todo)\s*:/.test(line)) {
        found.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(found, []);
});
