'use strict';

//! The extended msk event keys registered with the framework's schema: read from
//! schema/msk-event.json, which `npm pack` generates from `msk-compile schema --profile extended`
//! (scripts/prepack.js), minus every key the framework (or another plugin) already defines.

const fs = require('fs');
const path = require('path');

const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'msk-event.json');

/** The profiles msk-compile knows; the plugin's default is `extended`. */
const PROFILES = ['serverless-v3', 'extended'];
const DEFAULT_PROFILE = 'extended';

/** Schema of `custom.mskEvents`. */
const CUSTOM_SCHEMA = {
  properties: {
    mskEvents: {
      type: 'object',
      properties: {
        profile: { enum: PROFILES },
      },
      additionalProperties: false,
    },
  },
};

const readEventSchema = (file = SCHEMA_FILE) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null; // an unpacked checkout: no extension keys known
    throw error;
  }
};

/**
 * `{ properties, required }` for defineFunctionEventProperties: the properties of the msk event
 * schema that `definedKeys` (the framework's msk event properties) lacks, and those of them
 * that are required. Empty when the schema file is missing.
 */
const extensionProperties = (definedKeys, eventSchema = readEventSchema()) => {
  const properties = {};
  if (!eventSchema || !eventSchema.properties) return { properties, required: [] };
  for (const [key, schema] of Object.entries(eventSchema.properties)) {
    if (!definedKeys.has(key)) properties[key] = schema;
  }
  const required = (eventSchema.required || []).filter((key) => key in properties);
  return { properties, required };
};

module.exports = { CUSTOM_SCHEMA, DEFAULT_PROFILE, PROFILES, SCHEMA_FILE, extensionProperties, readEventSchema };
