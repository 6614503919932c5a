'use strict';

//! The deploy guard: before `serverless deploy` updates the stack, the template deployed now
//! (CloudFormation GetTemplate) is compared with the one about to be deployed by
//! msk-compile's `diff` (replaced, moved, removed msk mappings and what that does to their
//! consumer groups). `compareTemplates` is the one place that runs the engine for it.

const { escapeControls, parseDiagnostics } = require('./compile');

/**
 * Compares two templates (JSON texts) with msk-compile's `diff`, through `engine`
 * (lib/engine.js). Returns `{ status, findings, other }`: `status` is the exit status (0:
 * nothing that fails, 1: an error among the findings, 2: a template that cannot be compared),
 * `findings` the JSON diagnostics (`code`, `severity`, `message`, `help`, `logicalId`), `other`
 * any other stderr line. Engine failures throw (see lib/engine.js).
 */
const compareTemplates = ({ engine, deployed, next }) => {
  const reply = engine.run({ command: 'diff', old: deployed, new: next });
  const { diagnostics, other } = parseDiagnostics(reply.stderr || '');
  return { status: reply.status, findings: diagnostics, other };
};

/** A finding as the deploy log shows it: `<LogicalId>: message [CODE]<note>`, then its help. */
const formatFinding = (finding, note = '') => {
  const help = finding.help ? `\n  help: ${escapeControls(finding.help)}` : '';
  const where = finding.logicalId || finding.path || 'template';
  return `${escapeControls(where)}: ${escapeControls(finding.message)} [${escapeControls(finding.code)}]${note}${help}`;
};

/** Whether a CloudFormation error says the stack does not exist (the framework's own test). */
const isMissingStack = (error) => Boolean(error && typeof error.message === 'string' && error.message.includes('does not exist'));

module.exports = { compareTemplates, formatFinding, isMissingStack };
