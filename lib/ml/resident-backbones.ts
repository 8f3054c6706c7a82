import type { TfRuntime } from './backend';
import type { BackboneSpec } from './backbone-spec';
import { loadBackbone, type LoadedBackbone } from './backbones';

/**
 * The backbones kept loaded for in-process embedding, shared by concurrent runs. Loading takes
 * 0.1–1 s and holding one costs 15–100 MB, so only the most recently requested backbone is
 * kept; an older one is disposed as soon as no run is using it any more (never under a run).
 */

interface Resident {
  id: string;
  loaded: Promise<LoadedBackbone>;
  users: number;
  current: boolean;
}

const residents = new Map<string, Resident>();

function disposeWhenUnused(resident: Resident): void {
  if (resident.users > 0 || resident.current) return;
  residents.delete(resident.id);
  resident.loaded.then((backbone) => backbone.dispose()).catch(() => undefined);
}

function makeCurrent(id: string): void {
  for (const resident of residents.values()) {
    resident.current = resident.id === id;
    disposeWhenUnused(resident);
  }
}

/** The loaded backbone for a run; call `release` when the run is over. */
export async function acquireBackbone(
  spec: BackboneSpec,
  runtime: TfRuntime,
): Promise<{ backbone: LoadedBackbone; release(): void }> {
  let resident = residents.get(spec.id);
  if (!resident) {
    resident = { id: spec.id, loaded: loadBackbone(spec, runtime), users: 0, current: true };
    residents.set(spec.id, resident);
  }
  const held = resident;
  held.users += 1;
  makeCurrent(spec.id);

  try {
    const backbone = await held.loaded;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.users -= 1;
      disposeWhenUnused(held);
    };
    return { backbone, release };
  } catch (error) {
    held.users -= 1;
    residents.delete(held.id);
    throw error;
  }
}

/** Disposes every kept backbone that no run is using; tests and benchmarks call it. */
export function releaseResidentBackbones(): void {
  for (const resident of residents.values()) {
    resident.current = false;
    disposeWhenUnused(resident);
  }
}
