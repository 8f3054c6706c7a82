import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb, getDb } from '@/db/client';
import { ROLES } from '@/db/schema';
import { MIN_PASSWORD_LENGTH, hashPassword } from '@/lib/auth/password';
import { findUserByEmail, insertUser } from '@/lib/auth/user-repo';

export const summary = 'Add an account without the web UI (for example the first admin).';

const HELP = `Usage: npm run curio -- user add --email <email> --role admin|curator|reviewer [--name <name>] [--password-stdin]

  --password-stdin   read the password from standard input (at least ${MIN_PASSWORD_LENGTH} characters);
                     without it a random password is generated and printed once`;

const addSchema = z.object({
  email: z.email('--email must be an email address'),
  role: z.enum(ROLES, `--role must be one of ${ROLES.join(', ')}`),
  name: z.string().trim().min(1).optional(),
  passwordStdin: z.boolean(),
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  // Only the line ending that `echo` or a here-string adds is dropped; other spaces are kept.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function addUser(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  const parsed = addSchema.safeParse({ ...values, passwordStdin: values['password-stdin'] });
  if (!parsed.success) {
    process.stderr.write(
      `${parsed.error.issues.map((issue) => issue.message).join('; ')}\n\n${HELP}\n`,
    );
    return 1;
  }
  const args = parsed.data;

  const generated = !args.passwordStdin;
  const password = generated ? crypto.randomBytes(12).toString('base64url') : await readStdin();
  if (password.length < MIN_PASSWORD_LENGTH) {
    process.stderr.write(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.\n`);
    return 1;
  }

  try {
    const db = getDb();
    if (findUserByEmail(db, args.email)) {
      process.stderr.write(`An account for ${args.email} already exists.\n`);
      return 1;
    }
    const user = insertUser(db, {
      email: args.email,
      name: args.name ?? args.email.split('@')[0],
      passwordHash: await hashPassword(password),
      role: args.role,
    });
    process.stdout.write(`Added ${user.role} ${user.email} (id ${user.id}).\n`);
    if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
    return 0;
  } finally {
    closeDb();
  }
}

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'add') return addUser(rest);

  const helpWanted = action === undefined || action === '--help' || action === '-h';
  (helpWanted ? process.stdout : process.stderr).write(`${HELP}\n`);
  return helpWanted && action !== undefined ? 0 : 1;
}
