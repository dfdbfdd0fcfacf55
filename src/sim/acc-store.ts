/**
 * The simulator's accumulator entries: one float64 value per entry (an exact or rounded accumulator, as
 * the PE kind's sim.ts defines it), a BigInt quire per entry when a kind's accumulators outgrow 53 bits
 * (SimFacet.wideAccumulators), and a poison flag per entry (NaN/NaR seen). Generic: every kind's tile
 * instructions add into these entries, and writeback reads them.
 */

/** Accumulator entries: a float64 value per entry, BigInt quires for wide accumulators, poison flags. */
export class AccStore {
  readonly v: Float64Array;
  readonly big: bigint[] | undefined;
  readonly poison: Uint8Array;
  constructor(entries: number, wideQuire: boolean) {
    this.v = new Float64Array(entries);
    this.big = wideQuire ? new Array<bigint>(entries).fill(0n) : undefined;
    this.poison = new Uint8Array(entries);
  }
  clear(at: number): void {
    this.v[at] = 0;
    if (this.big) this.big[at] = 0n;
    this.poison[at] = 0;
  }
}
