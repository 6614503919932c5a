'use strict';

//! The deploy guard: before `serverless deploy` updates the stack, the template deployed now
//! (CloudFormation GetTemplate) is compared with the one about to be deployed by
//! `msk-compile diff` (replaced, moved, removed msk mappings and what that does to their
//! consumer groups). `compareTemplates` is the one place that runs the compiler for it.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { parseDiagnostics } = require('./compile');

/**
 * Compares two templates (JSON texts) with msk-compile's `diff`. Returns `{ status, findings,
 * other }`: `status` is the exit status (0: nothing that fails, 1: an error among the findings,
 * 2: a template that cannot be compared), `findings` the JSON diagnostics (`code`, `severity`,
 * `message`, `help`, `logicalId`), `other` any other stderr line; or `{ spawnError }`.
 */
const compareTemplates = ({ binary, deployed, next }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-msk-events-'));
  try {
    const oldPath = path.join(dir, 'deployed.json');
    const newPath = path.join(dir, 'next.json');
    fs.writeFileSync(oldPath, deployed);
    fs.writeFileSync(newPath, next);
    const result = spawnSync(binary, ['diff', oldPath, newPath, '--message-format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      windowsHide: true,
    });
    if (result.error) return { status: null, spawnError: result.error, findings: [], other: [] };
    const { diagnostics, other } = parseDiagnostics(result.stderr || '');
    return { status: result.status, signal: result.signal, findings: diagnostics, other };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

/** A finding as the deploy log shows it: `<LogicalId>: message [CODE]<note>`, then its help. */
const formatFinding = (finding, note = '') => {
  const help = finding.help ? `\n  help: ${finding.help}` : '';
  return `${finding.logicalId || finding.path || 'template'}: ${finding.message} [${finding.code}]${note}${help}`;
};

/** Whether a CloudFormation error says the stack does not exist (the framework's own test). */
const isMissingStack = (error) => Boolean(error && typeof error.message === 'string' && error.message.includes('does not exist'));

module.exports = { compareTemplates, formatFinding, isMissingStack };
