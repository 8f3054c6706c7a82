import type { Role } from '@/db/schema';

/**
 * What each role may do. Every page and route handler names the permission it needs; anything
 * not granted here is denied.
 */
export const PERMISSIONS = {
  'collection:read': ['admin', 'curator', 'reviewer'],
  'collection:manage': ['admin'],
  'item:import': ['admin', 'curator'],
  'item:import-server-folder': ['admin'],
  'annotation:write': ['admin', 'curator'],
  'review:write': ['admin', 'reviewer'],
  'model:train': ['admin'],
  'model:read': ['admin', 'curator', 'reviewer'],
  'export:run': ['admin', 'curator'],
  'user:manage': ['admin'],
  'system:read': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
