'use strict';

//! Finds the msk-compile executable: MSK_COMPILE_BIN, else the binary packed into this
//! package for this platform, else `msk-compile` on PATH. Never spawns a process to look.

const fs = require('fs');
const path = require('path');

const PACKAGE_DIR = path.join(__dirname, '..');
const EXE = process.platform === 'win32' ? 'msk-compile.exe' : 'msk-compile';

const isExecutable = (file) => {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch (ignore) {
    return false;
  }
};

// `npm pack` (scripts/prepack.js) writes bin/msk-compile and bin/platform.json; a tarball
// packed on another OS or CPU carries a binary that cannot run here, so it is skipped.
const packagedBinary = (packageDir) => {
  const binary = path.join(packageDir, 'bin', EXE);
  let platform;
  try {
    platform = JSON.parse(fs.readFileSync(path.join(packageDir, 'bin', 'platform.json'), 'utf8'));
  } catch (ignore) {
    return null;
  }
  if (platform.platform !== process.platform || platform.arch !== process.arch) return null;
  return isExecutable(binary) ? binary : null;
};

const onPath = (envPath) => {
  for (const dir of (envPath || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, EXE);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
};

/**
 * Returns `{ path, source }` (source: 'MSK_COMPILE_BIN' | 'package' | 'PATH'), or `{ error }`
 * with a message that says how to get the binary.
 */
const findBinary = (env = process.env, packageDir = PACKAGE_DIR) => {
  if (env.MSK_COMPILE_BIN) {
    if (isExecutable(env.MSK_COMPILE_BIN)) return { path: env.MSK_COMPILE_BIN, source: 'MSK_COMPILE_BIN' };
    return {
      error: `MSK_COMPILE_BIN is set to ${env.MSK_COMPILE_BIN}, which is not an executable file.`,
    };
  }
  const packaged = packagedBinary(packageDir);
  if (packaged) return { path: packaged, source: 'package' };
  const found = onPath(env.PATH);
  if (found) return { path: found, source: 'PATH' };
  return {
    error:
      `msk-compile was not found: this installation of serverless-msk-events carries no binary for ` +
      `${process.platform}-${process.arch} and there is no msk-compile on PATH. Install it ` +
      '(`cargo install --path msk-compile` in the msk-events repository, or `cargo build --release ' +
      '-p msk-compile` and put target/release/msk-compile on PATH), or set MSK_COMPILE_BIN to its path.',
  };
};

module.exports = { findBinary, EXE };
