/**
 * Next.js calls register() once when the server starts (next start and next dev). The bootstrap
 * needs Node (SQLite, sharp, the file system), so it is loaded only in the Node.js runtime and
 * only then, never in the edge runtime's bundle.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { bootstrap } = await import('./lib/bootstrap');
    await bootstrap();
  }
}
