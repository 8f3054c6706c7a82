import { BENCHMARKS } from './registry';

/** `npm run bench -- <name | group> [args]`: runs the named benchmark or every one of a group. */

function usage(): string {
  const lines = BENCHMARKS.map((b) => `  ${b.name.padEnd(16)} (${b.group})  ${b.description}`);
  return `Usage: npm run bench -- <name | group> [args]\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const [target, ...args] = argv;
  const selected = BENCHMARKS.filter((b) => b.name === target || b.group === target);
  if (!target || selected.length === 0) {
    console.log(usage());
    return target ? 1 : 0;
  }

  for (const benchmark of selected) {
    console.log(`\n# ${benchmark.name}: ${benchmark.description}`);
    const module = await benchmark.load();
    await module.run(args);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
