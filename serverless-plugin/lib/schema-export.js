'use strict';

//! Turns msk-compile's exported msk event schema (draft-07, with editor annotations) into what
//! the framework's Ajv accepts in strict mode: local `$ref`s inlined, and only validation and
//! annotation keywords Ajv knows (no `markdownDescription`, `defaultSnippets`, `errorMessage`, …).

// Keywords whose value is data, kept as they are.
const VALUE_KEYWORDS = new Set([
  'type', 'enum', 'const', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'title', 'description', 'default', 'examples', '$comment',
]);
// Keywords holding one schema, an array of schemas, or a map of schemas.
const SCHEMA_KEYWORDS = new Set(['not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems']);
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties']);

const resolveRef = (root, ref) => {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs can be inlined, got ${ref}`);
  let node = root;
  for (const part of ref.slice(2).split('/')) {
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
};

const convert = (root, schema, seen = []) => {
  if (typeof schema === 'boolean') return schema;
  if (schema.$ref) {
    if (seen.includes(schema.$ref)) throw new Error(`recursive $ref ${schema.$ref}`);
    return convert(root, resolveRef(root, schema.$ref), [...seen, schema.$ref]);
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (VALUE_KEYWORDS.has(key)) out[key] = value;
    else if (SCHEMA_KEYWORDS.has(key)) out[key] = convert(root, value, seen);
    else if (SCHEMA_LIST_KEYWORDS.has(key)) out[key] = value.map((item) => convert(root, item, seen));
    else if (SCHEMA_MAP_KEYWORDS.has(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(root, v, seen)]));
    } else if (key === 'items') {
      out[key] = Array.isArray(value) ? value.map((item) => convert(root, item, seen)) : convert(root, value, seen);
    } else if (key === 'additionalProperties') {
      out[key] = convert(root, value, seen);
    } else if (key === 'dependencies') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : convert(root, v, seen)])
      );
    }
    // anything else ($schema, definitions, editor annotations) is dropped
  }
  return out;
};

/** `{ properties, required }` of the msk event schema, framework-ready. */
const toFrameworkSchema = (exported) => {
  const event = convert(exported, exported);
  return { properties: event.properties || {}, required: event.required || [] };
};

module.exports = { toFrameworkSchema };
