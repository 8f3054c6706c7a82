import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

/**
 * `npm run curio -- <command> [args]`: each file in ./commands is a command named after the file
 * and exports `run(argv): Promise<number>` (the exit code). New commands need no registration.
 */

const commandsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

const commandModuleSchema = z.object({
  run: z.custom<(argv: string[]) => Promise<number>>((value) => typeof value === 'function'),
  summary: z.string().optional(),
});

function listCommands(): string[] {
  return fs
    .readdirSync(commandsFolder)
    .filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => file.replace(/\.(ts|js|mjs)$/, ''))
    .sort();
}

async function loadCommand(name: string) {
  const file = fs
    .readdirSync(commandsFolder)
    .find((candidate) => candidate.replace(/\.(ts|js|mjs)$/, '') === name);
  if (!file) return undefined;

  const parsed = commandModuleSchema.safeParse(
    await import(pathToFileURL(path.join(commandsFolder, file)).href),
  );
  if (!parsed.success) throw new Error(`The command file ${file} does not export run(argv).`);
  return parsed.data;
}

async function usage(): Promise<string> {
  const lines = [
    'Usage: npm run curio -- <command> [args]   (add --help after a command for its options)',
    '',
    'Commands:',
  ];
  for (const name of listCommands()) {
    const command = await loadCommand(name).catch(() => undefined);
    lines.push(`  ${name.padEnd(10)} ${command?.summary ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name === undefined ? 1 : 0;
  }

  const command = /^[a-z][a-z0-9-]*$/.test(name) ? await loadCommand(name) : undefined;
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${await usage()}\n`);
    return 1;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
