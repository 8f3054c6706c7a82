import { parentPort, workerData } from 'node:worker_threads';
import { candidatesFor, selectBackend } from './backend';
import { loadBackbone } from './backbones';
import { decodeBatch, embedDecoded } from './embed-batch';
import {
  fromWorkerSchema,
  toWorkerSchema,
  workerSetupSchema,
  type FromWorker,
} from './embed-worker-protocol';

/**
 * An embedding worker thread: its own TF.js runtime and copy of the backbone, so that two
 * workers use two cores (wasm in Node runs one thread per runtime). It decodes each batch as
 * soon as it arrives, so decoding overlaps the inference of the batch before it.
 */

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(fromWorkerSchema.parse(message), transfer);
}

async function start(): Promise<void> {
  const setup = workerSetupSchema.parse(workerData);
  const runtime = await selectBackend(candidatesFor(setup.backend));
  const backbone = await loadBackbone(setup.spec, runtime);
  let previous: Promise<void> = Promise.resolve();

  parentPort?.on('message', (raw: unknown) => {
    const message = toWorkerSchema.parse(raw);
    const decoded = decodeBatch(message.files, setup.spec, setup.resize);

    previous = previous.then(async () => {
      const result = await embedDecoded(backbone, await decoded);
      const buffers = result.vectors.flatMap((vector) =>
        vector ? [vector.buffer as ArrayBuffer] : [],
      );
      post({ type: 'result', batchId: message.batchId, ...result }, buffers);
    });
  });
  post({ type: 'ready', backend: runtime.backend });
}

start().catch((error: unknown) => {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});
