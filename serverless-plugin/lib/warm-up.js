'use strict';

//! Worker thread of `prepare()` (lib/engine.js): compiles the WebAssembly module, runs one small
//! request on it so that V8 compiles the code a compile goes through, and posts the module
//! back. The compiled code is shared with the thread that receives the module, which then runs
//! its own request without paying for the compilation (it happens here, beside the framework's
//! own work, while `serverless package` zips the service).

const { parentPort, workerData } = require('worker_threads');
const { compiledModuleOf, selectEngine } = require('./engine');

try {
  selectEngine({ MSK_COMPILE_WASM: workerData.file }).run(workerData.request);
  parentPort.postMessage(compiledModuleOf(workerData.file));
} catch (ignore) {
  // The thread that asked compiles the module itself and reports what is wrong with it.
  parentPort.postMessage(null);
}
