import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { candidatesFor, defaultCandidates, initTf, selectBackend } from '@/lib/ml/backend';

describe('selectBackend', () => {
  it('falls through a node backend that cannot load and records why', async () => {
    const [nodeGpu, , wasm] = defaultCandidates();

    const runtime = await selectBackend([nodeGpu!, wasm!]);

    expect(runtime.backend).toBe('wasm');
    expect(runtime.tf.getBackend()).toBe('wasm');
    expect(runtime.attempts[0]).toMatchObject({ backend: 'node-gpu', ok: false });
    expect(runtime.attempts[0]?.reason).toMatch(/tfjs-node-gpu/);
    expect(runtime.attempts[1]).toEqual({ backend: 'wasm', ok: true });
  });

  it('reports every reason when no candidate loads', async () => {
    const [nodeGpu, node] = defaultCandidates();

    await expect(selectBackend([nodeGpu!, node!])).rejects.toThrow(/node-gpu: .*; node: /);
  });

  it('offers only the forced backend when one is configured', () => {
    expect(candidatesFor('cpu').map((candidate) => candidate.backend)).toEqual(['cpu']);
    expect(candidatesFor('auto').map((candidate) => candidate.backend)).toEqual([
      'node-gpu',
      'node',
      'wasm',
      'cpu',
    ]);
  });
});

describe('initTf', () => {
  it('refuses a forced backend that cannot load, naming why', async () => {
    process.env.CURIO_ML_BACKEND = 'node';
    resetEnvForTests();

    try {
      await expect(initTf()).rejects.toThrow(/forces the node backend.*tfjs-node/);
    } finally {
      delete process.env.CURIO_ML_BACKEND;
      resetEnvForTests();
    }
  });

  it('returns the same runtime on every call', async () => {
    const first = await initTf();
    const second = await initTf();

    expect(second).toBe(first);
    expect(first.attempts.at(-1)).toMatchObject({ backend: first.backend, ok: true });
  });
});
