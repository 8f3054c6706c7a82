import * as nodeModule from 'node:module';

/**
 * Node's own `require`, for packages that must be loaded at run time: the optional tfjs-node
 * packages (absent on most machines) and nsfwjs' bundled weight files.
 *
 * Next's bundler recognises `createRequire(import.meta.url)` and swaps in its own require, which
 * cannot load a package by a computed name ("expression is too dynamic") and resolves to module
 * ids instead of paths. Taking createRequire by reflection keeps the call out of its analysis.
 */
export function nodeRequire(): NodeJS.Require {
  const createRequire = Reflect.get(nodeModule, 'createRequire') as typeof nodeModule.createRequire;
  return createRequire(import.meta.url);
}
