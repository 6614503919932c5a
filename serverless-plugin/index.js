'use strict';

//! serverless-msk-events: after the framework's own event compilers and its merge of
//! `resources`, replaces the msk EventSourceMappings and IAM statements of the compiled template
//! with msk-compile's (profile `custom.mskEvents.profile`, default `extended`, on the host the
//! plugin runs in: Serverless Framework v3 or osls), and registers the extended msk keys with the
//! framework's configuration schema. `serverless deploy` stops before it touches the stack when
//! the update would replay, skip or fail on an msk mapping's consumer group (`msk-compile diff`
//! against the deployed template), unless acknowledged.

const fs = require('fs');
const path = require('path');
const { selectEngine } = require('./lib/engine');
const { SCHEMA_CODE, checkMergedTemplate, escapeControls, formatDiagnostic, runCompile } = require('./lib/compile');
const { compareTemplates, formatFinding, isMissingStack } = require('./lib/guard');
const { CUSTOM_SCHEMA, DEFAULT_PROFILE, PROFILES, extendedSchema } = require('./lib/schema');
const neighbours = require('./lib/neighbours');

const FRAMEWORK_MSK_PLUGIN = 'AwsCompileMSKEvents';
/** The `serverless deploy` option that acknowledges the deploy guard's errors. */
const ALLOW_REPLACEMENT_OPTION = 'msk-allow-replacement';

const profileOf = (configuration) => {
  const custom = configuration && configuration.custom;
  const settings = custom && custom.mskEvents;
  return (settings && settings.profile) || DEFAULT_PROFILE;
};

/**
 * The framework the plugin runs in, as msk-compile's `--host` names it: `osls` when the process
 * was started by the `osls` package (its bin/serverless.js), `serverless-v3` otherwise.
 */
const hostOf = (mainFile = require.main && require.main.filename) => {
  let dir = mainFile ? path.dirname(mainFile) : null;
  while (dir && dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'osls' ? 'osls' : 'serverless-v3';
      } catch (ignore) {
        return 'serverless-v3';
      }
    }
    dir = path.dirname(dir);
  }
  return 'serverless-v3';
};

/** Each host's own behaviour, byte for byte: the profile whose verdict the framework's stands for. */
const HOST_PROFILES = { 'serverless-v3': 'serverless-v3', osls: 'osls' };

class ServerlessMskEvents {
  constructor(serverless, options = {}, utils = {}) {
    this.serverless = serverless;
    this.options = options;
    this.log = utils.log || {
      warning: (text) => process.stderr.write(`Warning: ${text}\n`),
      info: () => {},
    };
    this.provider = serverless.getProvider('aws');
    this.host = hostOf();
    // A ServerlessError from the framework's msk compiler, held until msk-compile has spoken.
    this.frameworkError = null;
    this.hooks = {};
    // msk events exist only for AWS services; for another provider the plugin does nothing.
    if (serverless.service.provider.name !== 'aws') return;
    this.commands = {
      deploy: {
        options: {
          [ALLOW_REPLACEMENT_OPTION]: {
            usage:
              'Deploy although msk-compile finds msk mappings whose consumer group the update replays, skips or fails on (custom.mskEvents.allowReplacement)',
            type: 'boolean',
          },
        },
      },
    };

    const handler = serverless.configSchemaHandler;
    handler.defineCustomProperties(CUSTOM_SCHEMA);
    this.positionSchemaMessages(handler);
    if (profileOf(serverless.configurationInput) === 'extended') {
      const msk = this.frameworkMskSchema(handler);
      const { extension, widened } = extendedSchema(new Set(Object.keys(msk.properties || {})));
      if (Object.keys(extension.properties).length) {
        handler.defineFunctionEventProperties('aws', 'msk', extension);
      }
      // defineFunctionEventProperties refuses keys the framework defines; a key the extended
      // profile widens (`arn: !GetAtt Cluster.Arn`) would still fail `configValidationMode:
      // error`, so its definition is replaced in the framework's (unfrozen) msk event schema.
      Object.assign(msk.properties, widened);
    }

    this.hooks = {
      initialize: () => this.deferFrameworkErrors(),
      // The first thing `package` does: the engine gets ready while the framework works.
      'before:package:cleanup': () => this.prepareEngine(),
      // What the framework's compilers wrote, before other plugins change it at
      // `before:package:finalize` (lib/neighbours.js).
      'after:package:compileEvents': () => {
        this.compiledByFramework = neighbours.snapshot(this.template(), this.functionLogicalIds());
      },
      // mergeCustomProviderResources deletes `resources.extensions` from the configuration (the
      // same object) once it has applied them; msk-compile applies them to the mappings it
      // puts in their place, so it needs them: kept before they go. Also where the changes
      // other plugins made since the framework's compilers are measured (extensions not yet
      // applied).
      'before:aws:package:finalize:mergeCustomProviderResources': () => {
        this.keepExtensions();
        this.neighbourChanges = neighbours.changes(this.compiledByFramework, this.template(), this.functionLogicalIds());
      },
      // After package:compileEvents (the framework's msk compiler) and after the config's own
      // `resources` are merged: the template is then the one `serverless package` writes, which
      // msk-compile's `--template` merge takes, and a function's own role declared in
      // `resources` is there for the extended profile's statements. Before the template is saved.
      'after:aws:package:finalize:mergeCustomProviderResources': async () => {
        await this.engineReady;
        this.compile();
      },
      // Before the stack is created or updated (and before anything is uploaded): the compiled
      // template is final here, whether packaged now or read from --package.
      'before:aws:deploy:deploy:createStack': () => this.guardDeploy(),
    };
  }

  // Starts getting the engine ready (the WebAssembly module compiled and its code warmed on a
  // worker thread) with a request like the one compile() makes, on a one-function service.
  prepareEngine() {
    this.engine = selectEngine();
    if (!this.engine.prepare) return;
    const profile = profileOf(this.serverless.configurationInput);
    const service = {
      service: 'warm-up',
      provider: { name: 'aws' },
      functions: {
        f: { handler: 'h.main', events: [{ msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: 't' } }] },
      },
    };
    const template = { Resources: { IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} } } };
    this.engineReady = this.engine.prepare({
      command: 'compile',
      config: '',
      configName: 'serverless.yml',
      resolved: JSON.stringify(service),
      template: JSON.stringify(template),
      profile: profile === 'extended' ? profile : HOST_PROFILES[this.host],
      host: profile === 'extended' ? this.host : undefined,
      messageFormat: 'json',
    });
  }

  // The framework reports schema problems before any plugin hook runs, by dotted path only: a
  // warning (configValidationMode: warn) or the error that stops the command (error). Its
  // handleErrorMessages is wrapped so that msk-compile's positioned diagnostics for the same
  // problems (file:line:column, did-you-mean) follow the framework's own report, in both modes.
  positionSchemaMessages(handler) {
    if (typeof handler.handleErrorMessages !== 'function') return;
    const original = handler.handleErrorMessages.bind(handler);
    handler.handleErrorMessages = (messages) => {
      const positioned = messages && messages.length ? this.schemaDiagnostics() : [];
      const lines = positioned.map((d) => formatDiagnostic(d, this.serverless.serviceDir));
      try {
        return original(messages);
      } catch (error) {
        if (lines.length && error && typeof error.message === 'string') {
          error.message += `\n\nmsk-compile:\n${lines.join('\n')}`;
        }
        throw error;
      } finally {
        if (lines.length && this.serverless.service.configValidationMode !== 'error') {
          for (const line of lines) this.log.warning(`msk: ${line}`);
        }
      }
    };
  }

  // msk-compile's schema diagnostics for the configuration as resolved so far; none when it
  // cannot run (the compile step reports that).
  schemaDiagnostics() {
    try {
      const serverless = this.serverless;
      const profile = profileOf(serverless.configurationInput);
      if (!PROFILES.includes(profile)) return [];
      const engine = this.engine || selectEngine();
      if (engine.error) return [];
      const result = runCompile({
        engine,
        configPath: path.join(serverless.serviceDir, serverless.configurationFilename || 'serverless.yml'),
        resolved: serverless.configurationInput,
        template: null,
        // As the compile step resolves it (which says so when it changes a profile).
        profile: profile === 'extended' ? profile : HOST_PROFILES[this.host],
        host: this.host,
        stage: this.provider.getStage(),
        region: this.provider.getRegion(),
      });
      // In line order, as the user reads the file (the framework lists them in its own order).
      return result.diagnostics
        .filter((d) => d.code === SCHEMA_CODE)
        .sort((a, b) => (a.line || 0) - (b.line || 0) || (a.column || 0) - (b.column || 0));
    } catch (ignore) {
      return [];
    }
  }

  // The object schema of the framework's msk event (what defineFunctionEventProperties extends).
  frameworkMskSchema(handler) {
    const events = handler.schema.properties.functions.patternProperties;
    const functionSchema = Object.values(events)[0];
    const msk = functionSchema.properties.events.items.anyOf.find((event) => event.required[0] === 'msk');
    return msk.properties.msk;
  }

  // The framework's msk compiler stops at the first problem, without a position, and crashes
  // (TypeError) on some inputs msk-compile reports with a code and a line. Its error is held so
  // that msk-compile, which runs next on the same configuration, can report it properly; if
  // msk-compile finds nothing, the framework's error is thrown after all.
  deferFrameworkErrors() {
    for (const entry of this.serverless.pluginManager.hooks['package:compileEvents'] || []) {
      if (entry.pluginName !== FRAMEWORK_MSK_PLUGIN) continue;
      const original = entry.hook;
      entry.hook = async (...args) => {
        try {
          return await original(...args);
        } catch (error) {
          this.frameworkError = error;
          return undefined;
        }
      };
    }
  }

  template() {
    return this.serverless.service.provider.compiledCloudFormationTemplate;
  }

  /** `{ functionName: logicalId of its AWS::Lambda::Function }`. */
  functionLogicalIds() {
    const naming = this.provider.naming;
    return Object.fromEntries(this.serverless.service.getAllFunctions().map((name) => [name, naming.getLambdaLogicalId(name)]));
  }

  keepExtensions() {
    const resources = this.serverless.service.resources;
    this.extensions = resources && resources.extensions ? JSON.parse(JSON.stringify(resources.extensions)) : undefined;
  }

  // The configuration as msk-compile must see it: with the extensions the framework removed,
  // and, under the extended profile, each function another plugin gave a role of its own
  // (serverless-iam-roles-per-function) with that role, so that its statements go there.
  resolvedConfiguration(profile) {
    let configuration = this.serverless.configurationInput;
    if (this.extensions !== undefined) {
      const resources = configuration.resources && typeof configuration.resources === 'object' ? configuration.resources : {};
      configuration = { ...configuration, resources: { ...resources, extensions: this.extensions } };
    }
    if (profile === 'extended' && this.neighbourChanges) {
      configuration = neighbours.withFunctionRoles(configuration, this.neighbourChanges.roles);
    }
    return configuration;
  }

  error(message, code) {
    return new this.serverless.classes.Error(message, code);
  }

  compile() {
    const serverless = this.serverless;
    const configuration = serverless.configurationInput;
    let profile = profileOf(configuration);
    if (!PROFILES.includes(profile)) {
      throw this.error(
        `custom.mskEvents.profile must be one of ${PROFILES.join(', ')} (got ${JSON.stringify(profile)}).`,
        'MSK_EVENTS_PROFILE_INVALID'
      );
    }
    // `serverless-v3` and `osls` each mean "the framework's own output": asked for in the other
    // framework, the one the service runs in is meant.
    const hostProfile = HOST_PROFILES[this.host];
    if (profile !== 'extended' && profile !== hostProfile) {
      this.log.warning(
        `msk: custom.mskEvents.profile ${profile} is another framework's own behaviour; this service runs in ${this.host}, so its own (${hostProfile}) applies.`
      );
      profile = hostProfile;
    }
    const engine = this.engine || selectEngine();
    if (engine.error) throw this.error(engine.error, 'MSK_COMPILE_NOT_FOUND');

    const serviceDir = serverless.serviceDir;
    const configPath = path.join(serviceDir, serverless.configurationFilename || 'serverless.yml');
    const provider = serverless.service.provider;
    const started = process.hrtime.bigint();
    let result;
    try {
      result = runCompile({
        engine,
        configPath,
        resolved: this.resolvedConfiguration(profile),
        template: provider.compiledCloudFormationTemplate,
        profile,
        host: this.host,
        stage: this.provider.getStage(),
        region: this.provider.getRegion(),
      });
    } catch (error) {
      if (error.spawnFailed) throw this.error(`${error.message} (from MSK_COMPILE_BIN)`, 'MSK_COMPILE_NOT_FOUND');
      throw this.error(`msk-compile: ${error.message}`, 'MSK_COMPILE_FAILED');
    }

    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const warning of result.diagnostics) {
      if (warning.severity === 'error' || warning.code === SCHEMA_CODE) continue;
      this.log.warning(`msk: ${formatDiagnostic(warning, serviceDir)}`);
    }
    if (result.status !== 0 || errors.length) {
      const lines = errors.map((d) => formatDiagnostic(d, serviceDir));
      lines.push(...result.other.map(escapeControls));
      if (!lines.length) {
        lines.push(`msk-compile exited with status ${result.status}`);
      }
      const code = (errors[0] && errors[0].code) || 'MSK_COMPILE_FAILED';
      throw this.error(`msk-compile: ${lines.join('\n')}`, code);
    }
    // msk-compile agrees with the configuration; under the host's own profile the framework's
    // verdict is the one to reproduce, so its error stands.
    if (this.frameworkError && profile === hostProfile) throw this.frameworkError;

    // Checked before it touches the framework's template, which stays as it was otherwise.
    let merged;
    try {
      merged = checkMergedTemplate(result.template, provider.compiledCloudFormationTemplate);
    } catch (error) {
      throw this.error(
        `msk-compile (${engine.kind}) returned a template that cannot replace the framework's: ${error.message}`,
        'MSK_COMPILE_FAILED'
      );
    }
    // What other plugins changed on the framework's mappings stays changed on msk-compile's.
    if (this.neighbourChanges) neighbours.reapply(merged, this.neighbourChanges.mappings);
    // In place: other plugins may hold a reference to the template object.
    const template = provider.compiledCloudFormationTemplate;
    for (const key of Object.keys(template)) delete template[key];
    Object.assign(template, merged);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.log.info(
      `msk-compile (${engine.kind === 'wasm' ? 'WebAssembly' : engine.source}, profile ${profile}, host ${this.host}): ${ms.toFixed(0)} ms`
    );
  }

  /**
   * Compares the deployed stack's template (GetTemplate, with the deploy's own credentials) with
   * the one about to be deployed; stops on an error among the findings unless
   * `custom.mskEvents.allowReplacement` or `--msk-allow-replacement` acknowledges them.
   */
  async guardDeploy() {
    const configuration = this.serverless.configurationInput || {};
    const settings = (configuration.custom && configuration.custom.mskEvents) || {};
    const allowed = settings.allowReplacement === true || this.options[ALLOW_REPLACEMENT_OPTION] === true;
    const acknowledge = `custom.mskEvents.allowReplacement: true or --${ALLOW_REPLACEMENT_OPTION}`;
    const stackName = this.provider.naming.getStackName();
    let deployed;
    try {
      const answer = await this.provider.request('CloudFormation', 'getTemplate', {
        StackName: stackName,
        TemplateStage: 'Original',
      });
      deployed = answer && answer.TemplateBody;
    } catch (error) {
      if (isMissingStack(error)) {
        this.log.info(`msk: no stack ${stackName} yet: no deployed msk mappings to compare with`);
        return;
      }
      const message = `msk: cannot read the template of stack ${stackName} to compare its msk mappings (cloudformation:GetTemplate): ${error.message}`;
      if (allowed) {
        this.log.warning(message);
        return;
      }
      throw this.error(`${message}\nDeploy without the comparison with ${acknowledge}.`, 'MSK_DEPLOY_GUARD_FAILED');
    }
    if (typeof deployed !== 'string') deployed = JSON.stringify(deployed);
    const engine = this.engine || selectEngine();
    if (engine.error) throw this.error(engine.error, 'MSK_COMPILE_NOT_FOUND');
    const next = JSON.stringify(this.serverless.service.provider.compiledCloudFormationTemplate);
    let result;
    try {
      result = compareTemplates({ engine, deployed, next });
    } catch (error) {
      if (error.spawnFailed) throw this.error(`${error.message} (from MSK_COMPILE_BIN)`, 'MSK_COMPILE_NOT_FOUND');
      throw this.error(`msk-compile: ${error.message}`, 'MSK_COMPILE_FAILED');
    }
    if (result.status !== 0 && result.status !== 1) {
      const why = [...result.findings.map((finding) => finding.message), ...result.other].join('\n') || `status ${result.status}`;
      const message = `msk: cannot compare the msk mappings with stack ${stackName}'s template: ${why}`;
      if (allowed) {
        this.log.warning(message);
        return;
      }
      throw this.error(`${message}\nDeploy without the comparison with ${acknowledge}.`, 'MSK_DEPLOY_GUARD_FAILED');
    }
    const errors = result.findings.filter((finding) => finding.severity === 'error');
    for (const finding of result.findings) {
      if (finding.severity === 'error' && !allowed) continue;
      const note = finding.severity === 'error' ? ' (acknowledged)' : '';
      this.log.warning(`msk: ${formatFinding(finding, note)}`);
    }
    if (errors.length && !allowed) {
      const lines = errors.map((finding) => formatFinding(finding));
      throw this.error(
        `msk: this deploy would replay or skip Kafka messages, or fail, on stack ${stackName}:\n${lines.join('\n')}\n` +
          `Nothing was deployed. Deploy anyway with ${acknowledge}.`,
        errors[0].code
      );
    }
  }
}

module.exports = ServerlessMskEvents;
module.exports.hostOf = hostOf;
