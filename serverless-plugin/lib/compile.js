'use strict';

//! One msk-compile run per `serverless package`, through the engine (lib/engine.js): the
//! framework's resolved configuration (`--resolved`), the template compiled so far
//! (`--template`), the merged template back, diagnostics as JSON lines (`--message-format json`).
//! The merged template is checked before it may replace the framework's.

const fs = require('fs');
const path = require('path');

// Code of msk-compile's schema diagnostics: the framework validates the same schema (the
// extension keys registered by this plugin included) and prints its own warnings for them.
const SCHEMA_CODE = 'INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION';

/** Parses msk-compile's stderr: JSON diagnostics, plus any line that is not one (kept as text). */
const parseDiagnostics = (stderr) => {
  const diagnostics = [];
  const other = [];
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    let parsed = null;
    try {
      parsed = JSON.parse(line);
    } catch (ignore) {
      // not a diagnostic
    }
    if (parsed && typeof parsed === 'object' && typeof parsed.severity === 'string') diagnostics.push(parsed);
    else other.push(line);
  }
  return { diagnostics, other };
};

// The name msk-compile gives the resolved configuration read from stdin: a position in it (a
// service configured in serverless.js or .ts, which msk-compile does not read) means nothing to
// the user, so the dotted path is shown instead.
const STDIN = '<stdin>';

/**
 * Text from msk-compile (a config's values among it) as it may reach a terminal: every C0 and
 * C1 control character and DEL written as `\\uXXXX`, so that no escape sequence, bell or
 * carriage return of the input acts on the user's terminal or log.
 */
const escapeControls = (text) =>
  String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `serverless.yml:12:11: message [CODE]`, then the help line, with the file relative to serviceDir. */
const formatDiagnostic = (diagnostic, serviceDir) => {
  let where = '';
  if (diagnostic.file && diagnostic.file !== STDIN) {
    const file = path.isAbsolute(diagnostic.file) ? path.relative(serviceDir, diagnostic.file) : diagnostic.file;
    where = diagnostic.line ? `${file}:${diagnostic.line}:${diagnostic.column || 1}: ` : `${file}: `;
  } else if (diagnostic.path) {
    where = `${diagnostic.path}: `;
  }
  const help = diagnostic.help ? `\n  help: ${escapeControls(diagnostic.help)}` : '';
  return `${escapeControls(where)}${escapeControls(diagnostic.message)} [${escapeControls(diagnostic.code)}]${help}`;
};

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const MSK_MAPPING = /EventSourceMappingMSK/;

/**
 * The merged template msk-compile returned, parsed, if it can replace `original`: an object
 * with every top-level key of the original and every resource except the msk mappings it
 * replaces, each resource an object with a `Type`. Throws a message saying what is wrong.
 */
const checkMergedTemplate = (text, original) => {
  let merged;
  try {
    merged = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${error.message})`);
  }
  if (!isObject(merged)) throw new Error(`it is ${merged === null ? 'null' : Array.isArray(merged) ? 'an array' : `a ${typeof merged}`}, not a template object`);
  for (const key of Object.keys(original)) {
    if (!(key in merged)) throw new Error(`its top-level key ${JSON.stringify(key)} is missing`);
  }
  if (!isObject(merged.Resources)) throw new Error('it has no Resources object');
  const originalResources = isObject(original.Resources) ? original.Resources : {};
  for (const [id, resource] of Object.entries(originalResources)) {
    if (id in merged.Resources) continue;
    const mapping = MSK_MAPPING.test(id) && isObject(resource) && resource.Type === 'AWS::Lambda::EventSourceMapping';
    if (!mapping) throw new Error(`the resource ${JSON.stringify(id)} is missing`);
  }
  for (const [id, resource] of Object.entries(merged.Resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      throw new Error(`the resource ${JSON.stringify(id)} has no Type`);
    }
  }
  return merged;
};

/**
 * Runs msk-compile through `engine`. Returns `{ status, template, diagnostics, other }`:
 * `template` is the merged template text (status 0), `diagnostics` every JSON diagnostic,
 * `other` any other stderr line. Engine failures (a timeout, a trap, output too large) throw.
 */
const runCompile = ({ engine, configPath, resolved, template, profile, host, stage, region }) => {
  let config = '';
  if (engine.kind === 'wasm') {
    // The module reads no files: the config's text serves to place diagnostics on its lines.
    try {
      config = fs.readFileSync(configPath, 'utf8');
    } catch (ignore) {
      // a serverless.js/.ts service, or no file: diagnostics then show dotted paths
    }
  }
  const reply = engine.run({
    command: 'compile',
    config,
    configName: configPath,
    resolved: JSON.stringify(resolved),
    // Without a template (only the diagnostics are wanted), the compiled fragment.
    template: template ? JSON.stringify(template, null, 2) : undefined,
    templateName: 'cloudformation-template-update-stack.json',
    profile,
    host,
    stage,
    region,
    messageFormat: 'json',
  });
  return { status: reply.status, template: reply.stdout, ...parseDiagnostics(reply.stderr || '') };
};

module.exports = { SCHEMA_CODE, checkMergedTemplate, escapeControls, formatDiagnostic, parseDiagnostics, runCompile };
