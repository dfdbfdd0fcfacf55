/**
 * Legal, unique Verilog identifiers for user-chosen (DSL) names. Algorithm: every character outside
 * [A-Za-z0-9_] becomes `_`, a leading digit or an empty result gets the prefix `n_`, names that are
 * Verilog-2005/SystemVerilog keywords (or start with a reserved `qacc_` prefix of generated modules)
 * get the prefix `u_`, and a name already taken gets the smallest free suffix `_2`, `_3`, … in the order
 * names are requested — so the mapping is deterministic and no user text ever reaches the output
 * unfiltered (no escaped identifiers, no comments, no backquotes).
 */

/** Verilog-2005 and SystemVerilog-2017 reserved words (Verilator and Yosys reject all of them as names). */
const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'accept_on alias always always_comb always_ff always_latch and assert assign assume automatic before begin bind bins binsof bit break ' +
    'buf bufif0 bufif1 byte case casex casez cell chandle checker class clocking cmos config const constraint context continue cover ' +
    'covergroup coverpoint cross deassign default defparam design disable dist do edge else end endcase endchecker endclass endclocking ' +
    'endconfig endfunction endgenerate endgroup endinterface endmodule endpackage endprimitive endprogram endproperty endspecify ' +
    'endsequence endtable endtask enum event eventually expect export extends extern final first_match for force foreach forever fork ' +
    'forkjoin function generate genvar global highz0 highz1 if iff ifnone ignore_bins illegal_bins implements implies import incdir ' +
    'include initial inout input inside instance int integer interconnect interface intersect join join_any join_none large let liblist ' +
    'library local localparam logic longint macromodule matches medium modport module nand negedge nettype new nexttime nmos nor ' +
    'noshowcancelled not notif0 notif1 null or output package packed parameter pmos posedge primitive priority program property ' +
    'protected pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase randsequence rcmos real ' +
    'realtime ref reg reject_on release repeat restrict return rnmos rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime ' +
    's_until s_until_with scalared sequence shortint shortreal showcancelled signed small soft solve specify specparam static string ' +
    'strong strong0 strong1 struct super supply0 supply1 sync_accept_on sync_reject_on table tagged task this throughout time timeprecision ' +
    'timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union unique unique0 unsigned until until_with untyped ' +
    'use uwire var vectored virtual void wait wait_order wand weak weak0 weak1 while wildcard wire with within wor xnor xor'
  ).split(' '),
);

/** Prefix reserved for qacc's own generated modules; user names never receive it. */
export const RESERVED_PREFIX = 'qacc_';

/** Longest identifier emitted (Verilog tools accept at least 1024; shorter keeps file names sane). */
const MAX_LENGTH = 64;

/** True when `name` is a Verilog/SystemVerilog keyword. */
export function isVerilogKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}

/** The legal form of one name, before uniqueness is applied. */
export function legalizeIdentifier(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, MAX_LENGTH);
  if (s === '' || /^[0-9]/.test(s)) s = `n_${s}`;
  if (KEYWORDS.has(s) || s.toLowerCase().startsWith(RESERVED_PREFIX) || s.startsWith('_')) s = `u_${s}`;
  return s;
}

/**
 * A scope of identifiers: `claim(name)` returns the legal unique identifier for a DSL name (the same one
 * when the same name is claimed again). Identifiers compare case-insensitively for uniqueness because
 * generated file names carry them and some file systems fold case.
 */
export class NameScope {
  private readonly byName = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** Reserves identifiers that user names must not take (e.g. port names of the generated modules). */
  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  claim(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const base = legalizeIdentifier(name);
    let id = base;
    for (let i = 2; this.taken.has(id.toLowerCase()); i++) id = `${base}_${i}`;
    this.taken.add(id.toLowerCase());
    this.byName.set(name, id);
    return id;
  }
}

/** The PE module name of an accelerator: `<accelerator>_<pe>`, legalized (what `qacc build` and the tile engines use). */
export function peTopName(accel: { readonly name: string; readonly arrays: readonly { readonly pe: { readonly name: string } }[] }): string {
  const pe = accel.arrays[0]?.pe;
  return new NameScope().claim(`${accel.name}_${pe ? pe.name : 'pe'}`);
}
