import { z } from 'zod';

/**
 * Edits a Keras functional topology (the `modelTopology` of a TF.js layers model) before the
 * model is built: keeps only the layers a feature layer depends on, and can free the input's
 * height and width so that a backbone cut before its fixed-size pooling takes any image size.
 */

const layerSchema = z.looseObject({
  name: z.string().optional(),
  class_name: z.string(),
  config: z.looseObject({
    name: z.string().optional(),
    batch_input_shape: z.array(z.number().nullable()).optional(),
  }),
  inbound_nodes: z.array(z.unknown()).optional(),
});
type KerasLayer = z.infer<typeof layerSchema>;

const modelConfigSchema = z.looseObject({
  layers: z.array(layerSchema),
  input_layers: z.array(z.unknown()).optional(),
  output_layers: z.array(z.unknown()).optional(),
});

const topologySchema = z.looseObject({
  model_config: z.looseObject({ class_name: z.string(), config: modelConfigSchema }).optional(),
  class_name: z.string().optional(),
  config: modelConfigSchema.optional(),
});
type Topology = z.infer<typeof topologySchema>;
type ModelConfig = z.infer<typeof modelConfigSchema>;

/** Sequential models list their layers as a chain, without inbound nodes. */
function isSequential(topology: Topology): boolean {
  return (topology.model_config?.class_name ?? topology.class_name) === 'Sequential';
}

function layerName(layer: KerasLayer): string {
  return layer.name ?? layer.config.name ?? '';
}

function modelConfigOf(topology: Topology): ModelConfig {
  const config = topology.model_config?.config ?? topology.config;
  if (!config) throw new Error('The layers model has no functional model config.');
  return config;
}

/** Names of the layers feeding one inbound-node list: [[["name", 0, 0, {}], ...], ...]. */
function inboundNames(layer: KerasLayer): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'string' && typeof value[1] === 'number') names.push(value[0]);
    else value.forEach(visit);
  };
  visit(layer.inbound_nodes);
  return names;
}

function ancestorsOf(layers: KerasLayer[], featureLayer: string): Set<string> {
  const byName = new Map(layers.map((layer) => [layerName(layer), layer]));
  if (!byName.has(featureLayer)) throw new Error(`The model has no layer named "${featureLayer}".`);

  const keep = new Set<string>();
  const pending = [featureLayer];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (keep.has(name)) continue;
    keep.add(name);
    const layer = byName.get(name);
    if (layer) pending.push(...inboundNames(layer));
  }
  return keep;
}

export interface LayerSummary {
  name: string;
  className: string;
}

/** The layers in topological order with their Keras class, for inferring a feature layer. */
export function listLayers(modelTopology: unknown): LayerSummary[] {
  const config = modelConfigOf(topologySchema.parse(modelTopology));
  return config.layers.map((layer) => ({ name: layerName(layer), className: layer.class_name }));
}

/** The input size of the model's first input layer, when it is square and fixed. */
export function inputSizeOf(modelTopology: unknown): number | undefined {
  const config = modelConfigOf(topologySchema.parse(modelTopology));
  const shape = config.layers.find((layer) => layer.config.batch_input_shape)?.config
    .batch_input_shape;
  const height = shape?.[1];
  return typeof height === 'number' && height === shape?.[2] ? height : undefined;
}

/**
 * A copy of the topology that ends at `featureLayer`; with `flexibleInput` the input layer's
 * height and width become null. Weights of dropped layers are then ignored (load non-strict).
 */
export function cutTopology(
  modelTopology: unknown,
  featureLayer: string,
  flexibleInput: boolean,
): Record<string, unknown> {
  const topology = topologySchema.parse(structuredClone(modelTopology));
  const config = modelConfigOf(topology);

  if (isSequential(topology)) {
    const last = config.layers.findIndex((layer) => layerName(layer) === featureLayer);
    if (last < 0) throw new Error(`The model has no layer named "${featureLayer}".`);
    config.layers = config.layers.slice(0, last + 1);
  } else {
    const keep = ancestorsOf(config.layers, featureLayer);
    config.layers = config.layers.filter((layer) => keep.has(layerName(layer)));
    config.output_layers = [[featureLayer, 0, 0]];
  }
  if (flexibleInput) freeInputSize(config.layers);
  return topology;
}

/** Sets the height and width of every declared input shape to null (any size). */
function freeInputSize(layers: KerasLayer[]): void {
  for (const layer of layers) {
    const shape = layer.config.batch_input_shape;
    if (shape && shape.length === 4) {
      layer.config.batch_input_shape = [shape[0] ?? null, null, null, shape[3] ?? 3];
    }
  }
}
