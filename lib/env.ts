import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Every variable is validated together so that a bad
 * configuration is reported in full at start-up instead of one variable at a time.
 */

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  CURIO_DATA_DIR: z.string().default('./data'),
  CURIO_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  CURIO_ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  CURIO_ADMIN_PASSWORD: optionalString.pipe(z.string().min(10).optional()),
  CURIO_IMPORT_ROOTS: commaList,
  CURIO_SEED_DEMO: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value !== 'false' && value !== '0'),
  CURIO_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  CURIO_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  CURIO_ML_BACKEND: z.enum(['auto', 'node-gpu', 'node', 'wasm', 'cpu']).default('auto'),
  CURIO_ML_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  CURIO_BACKBONE: z.string().default('mobilenet-v2'),
  CURIO_BACKBONE_DIRS: commaList,
  CURIO_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  CURIO_ALLOW_PRIVATE_FETCH: booleanFlag,
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; importRoots: string[] };

function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);

  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
      .join('\n');
    throw new Error(`Curio's configuration is invalid:\n${problems}`);
  }

  const parsed = result.data;
  return {
    ...parsed,
    dataDir: path.resolve(parsed.CURIO_DATA_DIR),
    importRoots: parsed.CURIO_IMPORT_ROOTS.map((root) => path.resolve(root)),
  };
}

let cached: Env | undefined;

/** The validated configuration, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forget the parsed configuration; tests and the CLI change process.env and call this. */
export function resetEnvForTests(): void {
  cached = undefined;
}
