'use strict';

//! The extended msk event keys registered with the framework's schema: read from
//! schema/msk-event.json, which `npm pack` generates from `msk-compile schema --profile extended`
//! (scripts/prepack.js): the keys the framework does not define, and the framework's keys whose
//! schema the extended profile widens (`widened`, e.g. `arn` with `Fn::GetAtt`).

const fs = require('fs');
const path = require('path');

const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'msk-event.json');

/** The profiles msk-compile knows; the plugin's default is `extended`. */
const PROFILES = ['serverless-v3', 'osls', 'extended'];
const DEFAULT_PROFILE = 'extended';

/** Schema of `custom.mskEvents`. */
const CUSTOM_SCHEMA = {
  properties: {
    mskEvents: {
      type: 'object',
      properties: {
        profile: { enum: PROFILES },
        host: { enum: ['serverless-v3', 'osls'] },
        // Lets `serverless deploy` go on although msk-compile diff finds that it replays, skips
        // or fails on an msk mapping's consumer group (its findings are printed as warnings).
        allowReplacement: { type: 'boolean' },
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
 * What the extended profile changes in the framework's msk event schema: `extension`
 * (`{ properties, required }` for defineFunctionEventProperties: the keys `definedKeys`, the
 * framework's msk event properties, lacks) and `widened` (key -> schema replacing the
 * framework's own, for keys the extended profile accepts more values of). Empty when the
 * schema file is missing.
 */
const extendedSchema = (definedKeys, eventSchema = readEventSchema()) => {
  const properties = {};
  const widened = {};
  if (!eventSchema || !eventSchema.properties) return { extension: { properties, required: [] }, widened };
  for (const [key, schema] of Object.entries(eventSchema.properties)) {
    if (!definedKeys.has(key)) properties[key] = schema;
    else if ((eventSchema.widened || []).includes(key)) widened[key] = schema;
  }
  const required = (eventSchema.required || []).filter((key) => key in properties);
  return { extension: { properties, required }, widened };
};

module.exports = { CUSTOM_SCHEMA, DEFAULT_PROFILE, PROFILES, extendedSchema };
