// Every environment variable opsdeck reads is declared here and validated once at start. A bad or
// missing value stops the process with one line naming the variable (see src/main.ts).
import path from 'node:path';
import { z } from 'zod';
import { projectPath } from '../platform/paths.js';
import { parseSigningKey } from '../impersonation/impersonation-tokens.js';
import { cidrListSchema, type CidrEntry } from '../http/security/cidr-list.js';
import { isEncryptionKey } from '../auth/secret-box.js';

const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL');
/** An http(s) URL without a trailing slash (packs' settings use it too). */
export const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s):// URL')
  .transform((u) => u.replace(/\/+$/, ''));
const secret = z.string().min(32, 'must be at least 32 characters');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const isSigningKey = (value: string) => {
  try {
    parseSigningKey(value);
    return true;
  } catch {
    return false;
  }
};

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    PUBLIC_URL: httpUrl.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().min(1).optional(),
    DATABASE_URL: postgresUrl.optional(),
    APP_DATABASE_URL: postgresUrl.optional(),
    EMBEDDED_PG_PORT: port.default(54329),
    SESSION_SECRET: secret.optional(),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    // Operator login security (docs/adr/0008-operator-mfa-and-sessions.md).
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
    MFA_REQUIRED: bool.default('true'),
    // AES-256-GCM key sealing operators' TOTP secrets in the database (src/auth/secret-box.ts); unset:
    // generated once into the data folder's secrets (never in production).
    MFA_ENCRYPTION_KEY: z.string().refine(isEncryptionKey, 'must be 32 bytes written as 64 hex characters or as base64').optional(),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(100),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(100),
    COOKIE_SECURE: bool.optional(),
    UNLEASH_URL: httpUrl.optional(),
    UNLEASH_PORT: port.default(4242),
    UNLEASH_ADMIN_TOKEN: z.string().min(8).optional(),
    UNLEASH_CLIENT_TOKEN: z.string().min(8).optional(),
    DEMO_SEED: bool.default('true'),
    AUDIT_SIGNING_KEY: secret.optional(),
    AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(7),
    // Request-level security (docs/adr/0009-request-security.md). Unset allowlist: no address check.
    IP_ALLOWLIST: cidrListSchema.optional(),
    // The proxies whose X-Forwarded-For is believed (req.ip, the allowlist, the login throttle, audit
    // rows): `none`, or their addresses/CIDRs. Unset: a proxy on loopback with COOKIE_SECURE, else none.
    TRUST_PROXY: z.union([z.enum(['none']).transform(() => [] as CidrEntry[]), cidrListSchema]).optional(),
    OPERATOR_WRITE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000_000).default(1000),
    // Impersonation tokens for the customer-facing app (docs/adr/0010-impersonation.md): an EC P-256
    // private key as PEM or JWK (unset: generated once into the data folder's secrets).
    IMPERSONATION_JWT_PRIVATE_KEY: z.string().min(1).refine(isSigningKey, 'must be an EC P-256 private key (PKCS#8/SEC1 PEM or JWK)').optional(),
    IMPERSONATION_JWT_ISSUER: httpUrl.optional(),
    IMPERSONATION_JWT_AUDIENCE: z.string().min(1).max(200).default('opsdeck-customer-app'),
    // The installed domain packs this deployment enables (plugins/index.ts), comma-separated; unset, every one.
    // A pack's own variables are its settings (src/config/pack-settings.ts), not this schema's.
    OPSDECK_PLUGINS: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, 'must be plugin ids separated by commas').optional(),
  })
  .superRefine((env, ctx) => {
    const need = (key: keyof typeof env, why: string) => {
      if (!env[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: why });
    };
    if (env.NODE_ENV === 'production') {
      need('SESSION_SECRET', 'is required when NODE_ENV=production');
      need('UNLEASH_ADMIN_TOKEN', 'is required when NODE_ENV=production');
      need('UNLEASH_CLIENT_TOKEN', 'is required when NODE_ENV=production');
      need('AUDIT_SIGNING_KEY', 'is required when NODE_ENV=production');
      // Every instance must sign with the key the JWKS publishes: one generated per data folder would differ.
      need('IMPERSONATION_JWT_PRIVATE_KEY', 'is required when NODE_ENV=production');
      // Seals the TOTP secrets: one generated per data folder would differ between instances and go
      // with the folder, and no operator could log in with a second factor any more.
      need('MFA_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
    }
    if (env.NODE_ENV === 'production' && !env.MFA_REQUIRED) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MFA_REQUIRED'], message: 'cannot be false when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && env.COOKIE_SECURE === false) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COOKIE_SECURE'], message: 'cannot be false when NODE_ENV=production' });
    }
    if (env.UNLEASH_URL) {
      need('UNLEASH_ADMIN_TOKEN', 'is required when UNLEASH_URL is set');
      need('UNLEASH_CLIENT_TOKEN', 'is required when UNLEASH_URL is set');
    } else {
      // The supervised Unleash registers these at its first boot; it only accepts its own shapes.
      const shapes = [
        ['UNLEASH_ADMIN_TOKEN', /^\*:\*\.[A-Za-z0-9_-]{16,}$/, '*:*.<at least 16 letters, digits, - or _>'],
        ['UNLEASH_CLIENT_TOKEN', /^[a-z0-9_-]+:[a-z0-9_-]+\.[A-Za-z0-9_-]{16,}$/, '<project>:<environment>.<at least 16 letters, digits, - or _>'],
      ] as const;
      for (const [key, shape, expected] of shapes) {
        const value = env[key];
        if (value && !shape.test(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `must look like ${expected}` });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export type Config = Env & {
  /** The variables given (empty ones left out): the domain packs read their own settings from here. */
  env: Readonly<Record<string, string>>;
  dataDir: string;
  isProduction: boolean;
  publicUrl: string;
  cookieSecure: boolean;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// Empty strings count as unset: `FOO= npm start` is how people clear a variable.
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = present(env);
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue.path.join('.') || 'environment';
    throw new ConfigError(`invalid configuration: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  return {
    ...e,
    env: given,
    dataDir: e.DATA_DIR ? path.resolve(e.DATA_DIR) : projectPath('.data'),
    isProduction: e.NODE_ENV === 'production',
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    // Secure cookies need HTTPS; plain http://localhost in development is the documented exception.
    cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
  };
}

/** For entry points: a bad configuration ends the process with exit code 1 and one line. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  return exitOnConfigError(() => loadConfig(env));
}

/** Runs a configuration check; a ConfigError ends the process with exit code 1 and its one line. */
export function exitOnConfigError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsdeck: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
