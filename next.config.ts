import type { NextConfig } from 'next';

// Native addons and TF.js must be loaded by Node itself: bundled, the wasm backend cannot find its
// .wasm file and the node backends cannot find their shared libraries.
const nextConfig: NextConfig = {
  // Lets several builds of one checkout coexist (for example parallel end-to-end runs); the
  // default is Next's own `.next`.
  distDir: process.env.CURIO_NEXT_DIST_DIR || '.next',
  serverExternalPackages: [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    'nsfwjs',
    '@node-rs/argon2',
    'better-sqlite3',
    'sharp',
  ],
  poweredByHeader: false,
  experimental: {
    // forbidden() renders app/forbidden.tsx with a 403 when a signed-in role lacks a permission.
    authInterrupts: true,
    // Turbopack's PostCSS workers have failed to connect over loopback on locked-down hosts.
    turbopackPluginRuntimeStrategy: 'workerThreads',
  },
};

export default nextConfig;
