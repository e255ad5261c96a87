// A domain pack's own settings: environment variables the pack declares and validates itself, read
// from the configuration's `env` (the variables loadConfig was given), so the core's schema never
// names a pack's variable. The pack's `settings` check runs at start with the core's (one line and
// exit code 1 for a bad one); its code reads the parsed values through `packSettings`.
import type { z } from 'zod';
import { ConfigError, type Config } from './config.js';
import type { Plugin } from '../platform/plugin.js';

export type PackSettings<T> = {
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** A rule over the parsed values and the core's configuration (e.g. required in production): the problem, or null. */
  check?: (settings: T, config: Config) => string | null;
};

export function definePackSettings<T>(settings: PackSettings<T>): PackSettings<T> {
  return settings;
}

// Parsed once per configuration object (an app, a test app, each its own).
const parsed = new WeakMap<Config, Map<PackSettings<unknown>, unknown>>();

/** The pack's settings from `config.env`, validated: a ConfigError naming the variable otherwise. */
export function packSettings<T>(config: Config, settings: PackSettings<T>): T {
  const known = parsed.get(config) ?? new Map<PackSettings<unknown>, unknown>();
  parsed.set(config, known);
  if (known.has(settings as PackSettings<unknown>)) return known.get(settings as PackSettings<unknown>) as T;
  const result = settings.schema.safeParse(config.env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue.path.join('.') || 'environment'} ${issue.message}`);
  }
  const problem = settings.check?.(result.data, config);
  if (problem) throw new ConfigError(`invalid configuration: ${problem}`);
  known.set(settings as PackSettings<unknown>, result.data);
  return result.data;
}

/** Every enabled pack's settings, checked at start (entry points and createApp). */
export function checkPackSettings(config: Config, plugins: readonly Plugin[]): void {
  for (const plugin of plugins) for (const settings of ([] as PackSettings<unknown>[]).concat(plugin.settings ?? [])) packSettings(config, settings);
}
