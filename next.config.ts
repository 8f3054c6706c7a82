import type { NextConfig } from 'next';

// Native addons and TF.js must be loaded by Node itself: bundled, the wasm backend cannot find its
// .wasm file and the node backends cannot find their shared libraries.
const nextConfig: NextConfig = {
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
    // Turbopack's PostCSS workers have failed to connect over loopback on locked-down hosts.
    turbopackPluginRuntimeStrategy: 'workerThreads',
  },
};

export default nextConfig;
