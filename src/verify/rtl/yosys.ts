/**
 * Synthesis check with Yosys compiled to WebAssembly (npm @yowasp/yosys, no system install): reads the
 * generated files into Yosys's virtual file system, runs synth's coarse passes (`synth -run begin:fine`,
 * which infers RAMs as $mem_v2 cells), then the fine-grained mapping of everything except memories
 * (`opt -full; techmap; abc -fast`) and `check -assert`, and returns the `stat` report. RAMs stay
 * $mem_v2 macros — what a real flow maps to SRAM compilers — because `memory_map` would turn a 512 KiB
 * buffer into four million flip-flops. Yosys errors (unsupported constructs, missing modules, multiple
 * drivers, combinational loops) become a thrown Error with Yosys's last output lines.
 */
import type { GeneratedFile } from '../../codegen/verilog/emit.js';

/** Result of a synthesis run. */
export interface SynthReport {
  /** Yosys's `stat` output for the top module and its hierarchy. */
  readonly stat: string;
  /** Total cell count reported by `stat` (the last "Number of cells" line). */
  readonly cells: number;
}

export async function synthesize(top: string, files: readonly GeneratedFile[]): Promise<SynthReport> {
  const { runYosys } = await import('@yowasp/yosys');
  const tree: Record<string, string> = {};
  for (const f of files) tree[f.path] = f.text;
  const flow = [`synth -top ${top} -run begin:fine`, 'opt -fast -full', 'techmap', 'opt -fast', 'abc -fast', 'opt -fast', 'hierarchy -check', 'check -assert'];
  const script = [...files.map((f) => `read_verilog ${f.path}`), ...flow, 'tee -o stat.txt stat'].join('; ');
  let log = '';
  const collect = (bytes: Uint8Array | null): void => {
    if (bytes) log += new TextDecoder().decode(bytes);
  };
  let out: unknown;
  try {
    out = await runYosys(['-q', '-p', script], tree, { stdout: collect, stderr: collect });
  } catch (err) {
    throw new Error(`yosys failed on ${top}: ${(err as Error).message}\n${log.trim().split('\n').slice(-10).join('\n')}`);
  }
  const stat = String((out as Record<string, unknown>)['stat.txt'] ?? '');
  if (!stat) throw new Error(`yosys produced no statistics for ${top}:\n${log.trim().split('\n').slice(-10).join('\n')}`);
  const counts = [...stat.matchAll(/Number of cells:\s+(\d+)/g)].map((m) => Number(m[1]));
  return { stat, cells: counts.length ? counts[counts.length - 1] : 0 };
}
