'use strict';

//! Other plugins in the same service (serverless-iam-roles-per-function, …) change the template
//! between the framework's event compilers and the plugin's step (at `before:package:finalize`):
//! a function gets a role of its own, its mappings `DependsOn` that role. msk-compile replaces
//! the framework's mappings, so those changes are measured (the template right after
//! `package:compileEvents` against the one before the resources merge) and kept:
//! - each mapping property or top-level key another plugin changed is set again on the mapping
//!   msk-compile writes under the same logical ID;
//! - a function whose `Role` another plugin pointed at a role of the template is compiled with
//!   that role (the extended profile then puts the function's statements there).

const MAPPING = 'AWS::Lambda::EventSourceMapping';
const ROLE = 'AWS::IAM::Role';

const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The parts of the template later plugins may change: the mappings, and each function's Role. */
const snapshot = (template, functionIds) => {
  const resources = (template && template.Resources) || {};
  const mappings = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource && resource.Type === MAPPING) mappings[id] = copy(resource);
  }
  const roles = {};
  for (const [name, id] of Object.entries(functionIds)) {
    const fn = resources[id];
    roles[name] = copy(fn && fn.Properties && fn.Properties.Role);
  }
  return { mappings, roles };
};

// The changes from `before` to `after` of one mapping, as [path, value] pairs (value undefined:
// removed): top-level keys, and `Properties` key by key.
const mappingChanges = (before, after) => {
  const changes = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'Properties') {
      const [b, a] = [before.Properties || {}, after.Properties || {}];
      for (const property of new Set([...Object.keys(b), ...Object.keys(a)])) {
        if (!same(b[property], a[property])) changes.push([['Properties', property], copy(a[property])]);
      }
    } else if (!same(before[key], after[key])) {
      changes.push([[key], copy(after[key])]);
    }
  }
  return changes;
};

/**
 * What other plugins changed since `earlier` (a snapshot): `{ mappings: {id: changes},
 * roles: {functionName: role logical ID} }`.
 */
const changes = (earlier, template, functionIds) => {
  const result = { mappings: {}, roles: {} };
  if (!earlier) return result;
  const now = snapshot(template, functionIds);
  for (const [id, before] of Object.entries(earlier.mappings)) {
    const after = now.mappings[id];
    if (!after) continue;
    const found = mappingChanges(before, after);
    if (found.length) result.mappings[id] = found;
  }
  const resources = template.Resources || {};
  for (const [name, role] of Object.entries(now.roles)) {
    if (same(role, earlier.roles[name])) continue;
    const target = role && Array.isArray(role['Fn::GetAtt']) && role['Fn::GetAtt'][0];
    if (typeof target === 'string' && resources[target] && resources[target].Type === ROLE) result.roles[name] = target;
  }
  return result;
};

/** Sets the measured changes again on the mappings of `template` (msk-compile's). */
const reapply = (template, mappingChangesById) => {
  const resources = template.Resources || {};
  for (const [id, found] of Object.entries(mappingChangesById)) {
    const mapping = resources[id];
    if (!mapping) continue;
    for (const [[key, property], value] of found) {
      const parent = property === undefined ? mapping : (mapping.Properties = mapping.Properties || {});
      const field = property === undefined ? key : property;
      if (value === undefined) delete parent[field];
      else parent[field] = value;
    }
  }
};

/**
 * The configuration with `role: <logical ID>` on each function of `roles`, and each such role
 * declared under `resources.Resources` as the AWS::IAM::Role it is in the template (what
 * msk-compile reads to put a function's statements on its own role).
 */
const withFunctionRoles = (configuration, roles) => {
  const names = Object.keys(roles);
  if (!names.length) return configuration;
  const functions = { ...configuration.functions };
  for (const name of names) functions[name] = { ...functions[name], role: roles[name] };
  const resources = configuration.resources && typeof configuration.resources === 'object' ? configuration.resources : {};
  const declared = { ...(resources.Resources || {}) };
  for (const role of Object.values(roles)) if (!declared[role]) declared[role] = { Type: ROLE };
  return { ...configuration, functions, resources: { ...resources, Resources: declared } };
};

module.exports = { changes, reapply, snapshot, withFunctionRoles };
