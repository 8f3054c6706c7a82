import { resourceSchema, selectorSchema, serviceSchema, type IiifResource } from './iiif-schema';
import type { IiifService } from './iiif-schema';

/**
 * Decides which URL fetches a canvas image at a bounded size.
 *
 * - An Image API service of level 1 or 2 is asked for the region (when the body is cropped) scaled
 *   to fit IIIF_IMAGE_BOUND_PX: `!1024,1024`, or `max` (v3) / `full` (v2, v1) when the declared
 *   size already fits or the server caps sizes below the bound.
 * - A level 0 service supports no scaling on request: the largest of its listed `sizes` within the
 *   bound is requested (the smallest listed when none fits), else the full size when it fits,
 *   else the body's own URL. A crop is then applied here after download.
 * - With no service, the body's own URL is fetched; a crop or an oversized image is handled here.
 * Where a body lists several services for the same image (Image API 2 and 3), version 3 is used.
 */

export const IIIF_IMAGE_BOUND_PX = 1024;

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ImagePlan {
  url: string;
  via: 'image-service' | 'body';
  /** A crop to apply after download, when the server could not be asked for it. */
  localCrop: Region | null;
  /** The crop the canvas asked for, as x,y,w,h, for the item's metadata. */
  region: string | null;
  /** The width the crop's coordinates refer to, to scale it onto a smaller download. */
  sourceWidth: number | null;
}

export type ImagePlanResult = { ok: true; plan: ImagePlan } | { ok: false; reason: string };

interface ServiceInfo {
  id: string;
  version: 1 | 2 | 3;
  level: 0 | 1 | 2;
  service: IiifService;
}

function profileStrings(profile: unknown): string[] {
  const list = Array.isArray(profile) ? profile : [profile];
  return list.filter((entry): entry is string => typeof entry === 'string');
}

function contextText(context: unknown): string {
  return JSON.stringify(context ?? '');
}

function describeService(raw: unknown): ServiceInfo | null {
  const parsed = serviceSchema.safeParse(raw);
  if (!parsed.success) return null;

  const service = parsed.data;
  const id = (service.id ?? service['@id'])?.replace(/\/+$/, '');
  const type = service.type ?? service['@type'] ?? '';
  const profiles = profileStrings(service.profile);
  const context = contextText(service['@context']);
  const looksLikeImage =
    /ImageService/.test(type) ||
    profiles.some((profile) => /level[012]|image-api|api\/image/.test(profile)) ||
    /api\/image/.test(context);
  if (!id || !looksLikeImage) return null;

  const version =
    type === 'ImageService3' || /image\/3/.test(context) || profiles.some((p) => /image\/3/.test(p))
      ? 3
      : type === 'ImageService1' || profiles.some((p) => /image-api\/1|image\/1/.test(p))
        ? 1
        : 2;
  const levelMatch = profiles.map((profile) => /level([012])/.exec(profile)).find(Boolean);
  const level = levelMatch ? (Number(levelMatch[1]) as 0 | 1 | 2) : 1;
  return { id, version, level, service };
}

function pickService(raw: unknown): ServiceInfo | null {
  const services = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .map(describeService)
    .filter((info): info is ServiceInfo => info !== null);
  return services.sort((a, b) => b.version - a.version)[0] ?? null;
}

/** The crop a body asks for: an ImageApiSelector region or a media fragment "xywh=". */
export function selectorRegion(selector: unknown): Region | null {
  const entries = Array.isArray(selector) ? selector : [selector];
  for (const entry of entries) {
    const parsed = selectorSchema.safeParse(entry);
    if (!parsed.success) continue;
    const text = parsed.data.region ?? parsed.data.value?.replace(/^xywh=(pixel:)?/, '');
    const numbers = text?.split(',').map(Number);
    if (numbers?.length === 4 && numbers.every((n) => Number.isFinite(n) && n >= 0)) {
      const [x, y, width, height] = numbers;
      if (width > 0 && height > 0) return { x, y, width, height };
    }
  }
  return null;
}

function fits(width: number | undefined, height: number | undefined): boolean {
  return (
    width !== undefined &&
    height !== undefined &&
    width > 0 &&
    height > 0 &&
    width <= IIIF_IMAGE_BOUND_PX &&
    height <= IIIF_IMAGE_BOUND_PX
  );
}

function scaledSize(info: ServiceInfo, region: Region | null, resource: IiifResource): string {
  const full = info.version === 3 ? 'max' : 'full';
  const width = region?.width ?? info.service.width ?? resource.width;
  const height = region?.height ?? info.service.height ?? resource.height;
  const capped =
    (info.service.maxWidth !== undefined && info.service.maxWidth <= IIIF_IMAGE_BOUND_PX) ||
    (info.service.maxHeight !== undefined && info.service.maxHeight <= IIIF_IMAGE_BOUND_PX);
  if (fits(width, height) || capped) return full;
  return `!${IIIF_IMAGE_BOUND_PX},${IIIF_IMAGE_BOUND_PX}`;
}

function levelZeroSize(info: ServiceInfo, resource: IiifResource): string | null {
  const sizes = [...(info.service.sizes ?? [])].sort((a, b) => a.width - b.width);
  if (sizes.length > 0) {
    const within = sizes.filter((size) => fits(size.width, size.height));
    const size = within.at(-1) ?? sizes[0];
    return info.version === 3 ? `${size.width},${size.height}` : `${size.width},`;
  }
  const width = info.service.width ?? resource.width;
  const height = info.service.height ?? resource.height;
  if (fits(width, height)) return info.version === 3 ? 'max' : 'full';
  return null;
}

function serviceUrl(info: ServiceInfo, region: string, size: string): string {
  const quality = info.version === 1 ? 'native' : 'default';
  return `${info.id}/${region}/${size}/0/${quality}.jpg`;
}

function regionText(region: Region | null): string | null {
  return region ? `${region.x},${region.y},${region.width},${region.height}` : null;
}

/** Plans the download of one image resource (already unwrapped from Choice / SpecificResource). */
export function planImage(rawResource: unknown, region: Region | null): ImagePlanResult {
  const parsed = resourceSchema.safeParse(rawResource);
  if (!parsed.success) return { ok: false, reason: 'the image resource is malformed' };

  const resource = parsed.data;
  const info = pickService(resource.service);
  const bodyUrl = resource.id && /^https?:\/\//i.test(resource.id) ? resource.id : null;
  const asked = regionText(region);
  const sourceWidth = info?.service.width ?? resource.width ?? null;
  const common = { region: asked, sourceWidth: sourceWidth || null };

  if (info && info.level >= 1) {
    const url = serviceUrl(info, asked ?? 'full', scaledSize(info, region, resource));
    return { ok: true, plan: { url, via: 'image-service', localCrop: null, ...common } };
  }
  if (info) {
    const size = levelZeroSize(info, resource);
    if (size) {
      const url = serviceUrl(info, 'full', size);
      return { ok: true, plan: { url, via: 'image-service', localCrop: region, ...common } };
    }
  }
  if (bodyUrl && bodyUrl.replace(/\/+$/, '') !== info?.id) {
    return { ok: true, plan: { url: bodyUrl, via: 'body', localCrop: region, ...common } };
  }
  return {
    ok: false,
    reason: info
      ? `its level 0 image service lists no size within ${IIIF_IMAGE_BOUND_PX} px and there is no image URL`
      : 'its image has neither an image service nor an http(s) URL',
  };
}
