/** The `--set k=v` arguments of the example scripts (synth, lint-rtl); anything else prints `usage` and exits 1. */
export function parseSetArgs(args: readonly string[], usage: string): string[] {
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--set' && args[i + 1]) overrides.push(args[++i]);
    else {
      console.error(usage);
      process.exit(1);
    }
  }
  return overrides;
}
