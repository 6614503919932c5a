'use strict';

//! One msk-compile process per `serverless package`: the framework's resolved configuration on
//! stdin (`--resolved -`), the template compiled so far in a temporary file (`--template`), the
//! merged template on stdout, diagnostics as JSON lines on stderr (`--message-format json`).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

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

/** `serverless.yml:12:11: message [CODE]`, then the help line, with the file relative to serviceDir. */
const formatDiagnostic = (diagnostic, serviceDir) => {
  let where = '';
  if (diagnostic.file && diagnostic.file !== STDIN) {
    const file = path.isAbsolute(diagnostic.file) ? path.relative(serviceDir, diagnostic.file) : diagnostic.file;
    where = diagnostic.line ? `${file}:${diagnostic.line}:${diagnostic.column || 1}: ` : `${file}: `;
  } else if (diagnostic.path) {
    where = `${diagnostic.path}: `;
  }
  const help = diagnostic.help ? `\n  help: ${diagnostic.help}` : '';
  return `${where}${diagnostic.message} [${diagnostic.code}]${help}`;
};

/**
 * Runs msk-compile (`template`: null for the diagnostics only). Returns `{ status, template, diagnostics, other }`: `template` is the merged
 * template text (status 0), `diagnostics` every JSON diagnostic, `other` any other stderr line.
 */
const runCompile = ({ binary, configPath, resolved, template, profile, host, stage, region }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-'));
  try {
    const args = ['compile', configPath, '--resolved', '-', '--profile', profile];
    if (host) args.push('--host', host);
    args.push('--message-format', 'json');
    // Without a template (only the diagnostics are wanted), the compiled fragment.
    if (template) {
      const templatePath = path.join(dir, 'cloudformation-template.json');
      fs.writeFileSync(templatePath, JSON.stringify(template, null, 2));
      args.push('--template', templatePath);
    }
    if (stage) args.push('--stage', stage);
    if (region) args.push('--region', region);
    const result = spawnSync(binary, args, {
      input: JSON.stringify(resolved),
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
      windowsHide: true,
    });
    if (result.error) return { status: null, spawnError: result.error, diagnostics: [], other: [] };
    return {
      status: result.status,
      signal: result.signal,
      template: result.stdout,
      ...parseDiagnostics(result.stderr || ''),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { SCHEMA_CODE, formatDiagnostic, parseDiagnostics, runCompile };
