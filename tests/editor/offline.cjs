'use strict';
// Preloaded into yaml-language-server by lsp-session.cjs: the editor test must not depend on
// the network (a schema with a remote $ref, or SchemaStore left on, would make it flaky), so
// every outgoing connection and DNS lookup fails at once and is reported on stderr, where the
// session collects it and the Rust test asserts there was none.

const dns = require('dns');
const net = require('net');
const tls = require('tls');

function report(kind, target) {
  try {
    process.stderr.write(`editor-test:blocked-network ${kind} ${target}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
}

function refuse(kind) {
  return function refused(...args) {
    const first = args[0];
    const target = typeof first === 'object' && first !== null ? `${first.host || first.path || ''}:${first.port || ''}` : String(first);
    report(kind, target);
    const error = Object.assign(new Error(`network disabled in the editor test (${kind} ${target})`), { code: 'ECONNREFUSED' });
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(error));
    return socket;
  };
}

net.connect = refuse('net.connect');
net.createConnection = refuse('net.createConnection');
tls.connect = refuse('tls.connect');

function refuseLookup(kind) {
  return function refusedLookup(host, ...rest) {
    report(kind, host);
    const callback = rest.find((arg) => typeof arg === 'function');
    const error = Object.assign(new Error(`DNS disabled in the editor test (${host})`), { code: 'ENOTFOUND' });
    if (callback) process.nextTick(() => callback(error));
  };
}

dns.lookup = refuseLookup('dns.lookup');
dns.resolve = refuseLookup('dns.resolve');
dns.promises.lookup = async (host) => {
  report('dns.promises.lookup', host);
  throw Object.assign(new Error(`DNS disabled in the editor test (${host})`), { code: 'ENOTFOUND' });
};
