/**
 * The timing proxy of a synthesized unit: the longest combinational path, in mapped cells, of its Yosys
 * JSON netlist. Nodes are the combinational cells (generic gates `$_AND_`, `$_MUX_`, …; UltraScale+ LUTs,
 * MUXF7/8/9, CARRY4/8, and DSP48E2 slices with no pipeline register), one level each. Everything else —
 * flip-flops, memories, block RAMs, sub-unit instances, cells of unknown type — is a boundary: its outputs
 * start paths at level 0 and its inputs end them, as do the unit's ports. So a path that crosses a unit
 * boundary through combinational logic on both sides is cut there (the generated designs register PE
 * outputs and staging words, so the cut paths are short). Kahn's algorithm over the cell graph; cells on a
 * combinational loop (none in a design that passes `check -assert`) are left out.
 */

/** One cell of a Yosys JSON netlist. */
export interface JsonCell {
  readonly type: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly port_directions?: Readonly<Record<string, 'input' | 'output' | 'inout'>>;
  readonly connections: Readonly<Record<string, readonly (number | string)[]>>;
}

/** One module of a Yosys JSON netlist. */
export interface JsonModule {
  readonly cells: Readonly<Record<string, JsonCell>>;
}

const GENERIC_GATE = /^\$_(BUF|NOT|AND|NAND|OR|NOR|XOR|XNOR|ANDNOT|ORNOT|MUX|NMUX|AOI3|OAI3|AOI4|OAI4|MUX4|MUX8|MUX16)_$/;
const XILINX_LOGIC = /^(LUT[1-6](_2)?|MUXF[789]|CARRY[48]|INV|BUF)$/;

function isZero(v: unknown): boolean {
  return v === undefined || v === 0 || (typeof v === 'string' && /^0*$/.test(v));
}

/** Whether a cell is one level of combinational logic (see the header). */
export function isCombinational(cell: JsonCell): boolean {
  if (GENERIC_GATE.test(cell.type) || XILINX_LOGIC.test(cell.type)) return true;
  if (cell.type === 'DSP48E2') {
    const p = cell.parameters ?? {};
    return ['AREG', 'BREG', 'CREG', 'MREG', 'PREG'].every((k) => isZero(p[k]));
  }
  return false;
}

/** Output port names of a cell: from port_directions, else the usual names (Y, O, CO, Q). */
function outputPorts(cell: JsonCell): string[] {
  if (cell.port_directions) return Object.entries(cell.port_directions).filter(([, d]) => d === 'output').map(([p]) => p);
  return Object.keys(cell.connections).filter((p) => ['Y', 'O', 'O5', 'O6', 'CO', 'Q'].includes(p));
}

/** The longest path in combinational cells of `mod` (0 when it has none). `boundaryTypes` are sub-unit types (always boundaries). */
export function longestCombinationalPath(mod: JsonModule, boundaryTypes: ReadonlySet<string> = new Set()): number {
  const comb = Object.values(mod.cells).filter((c) => !boundaryTypes.has(c.type) && isCombinational(c));
  // the combinational cell driving each net bit
  const driver = new Map<number, number>();
  const outs = comb.map(outputPorts);
  comb.forEach((c, i) => {
    for (const p of outs[i]) for (const b of c.connections[p] ?? []) if (typeof b === 'number') driver.set(b, i);
  });
  const users: number[][] = comb.map(() => []);
  const indegree = new Array<number>(comb.length).fill(0);
  comb.forEach((c, i) => {
    const seen = new Set<number>();
    for (const [p, bits] of Object.entries(c.connections)) {
      if (outs[i].includes(p)) continue;
      for (const b of bits) {
        const d = typeof b === 'number' ? driver.get(b) : undefined;
        if (d === undefined || seen.has(d)) continue;
        seen.add(d);
        users[d].push(i);
        indegree[i]++;
      }
    }
  });
  const level = new Array<number>(comb.length).fill(1);
  const queue: number[] = [];
  indegree.forEach((n, i) => { if (n === 0) queue.push(i); });
  let longest = 0;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    longest = Math.max(longest, level[i]);
    for (const u of users[i]) {
      level[u] = Math.max(level[u], level[i] + 1);
      if (--indegree[u] === 0) queue.push(u);
    }
  }
  return longest;
}
