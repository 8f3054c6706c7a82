import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Starts the production server (`next start`) for end-to-end tests, on a free port with a fresh
 * data folder, and stops it afterwards. It builds nothing: run `npm run build` first, so that
 * the tests exercise exactly what would be deployed.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const READY_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 500;

export const E2E_ADMIN = { email: 'admin@curio.test', password: 'e2e admin passphrase' };

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  /** What the server printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILLs the server's process group as a crash would, keeping the data folder. */
  kill(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`next start exited with code ${child.exitCode}:\n${output()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/sign-in`, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`next start was not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

export async function startServer(
  extraEnv: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<RunningServer> {
  const distDir = process.env.CURIO_NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(REPO_ROOT, distDir, 'BUILD_ID'))) {
    throw new Error(`There is no production build in ${distDir}; run \`npm run build\` first.`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A given data folder (a restart after a crash) belongs to the caller and is kept on stop().
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'curio-e2e-'));
  let log = '';

  const child = spawn(
    process.execPath,
    [NEXT_BIN, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: REPO_ROOT,
      // Its own process group, so stop() ends next and any worker it started, and nothing else.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        CURIO_DATA_DIR: dataDir,
        CURIO_ADMIN_EMAIL: E2E_ADMIN.email,
        CURIO_ADMIN_PASSWORD: E2E_ADMIN.password,
        CURIO_LOG_LEVEL: 'info',
        ...extraEnv,
      },
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  const output = () => log;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  };

  try {
    await waitUntilReady(baseUrl, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, dataDir, output, stop, kill };
}
