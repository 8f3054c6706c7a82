import { env } from './env';

/**
 * One logger for the server, the worker and the CLI. Each module takes a child with its own
 * context name; messages are full sentences with their values, one line each.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 100,
};

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(context: string): Logger;
}

function formatFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';

  const parts = Object.entries(fields).map(([key, value]) => {
    if (value instanceof Error) return `${key}=${JSON.stringify(value.stack ?? value.message)}`;
    return `${key}=${JSON.stringify(value)}`;
  });
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

function write(
  level: LogLevel,
  context: string,
  message: string,
  fields?: Record<string, unknown>,
) {
  if (LEVEL_RANK[level] < LEVEL_RANK[env().CURIO_LOG_LEVEL]) return;

  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${context}] ${message}${formatFields(fields)}`;
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export function createLogger(context: string): Logger {
  return {
    debug: (message, fields) => write('debug', context, message, fields),
    info: (message, fields) => write('info', context, message, fields),
    warn: (message, fields) => write('warn', context, message, fields),
    error: (message, fields) => write('error', context, message, fields),
    child: (sub) => createLogger(`${context}:${sub}`),
  };
}
