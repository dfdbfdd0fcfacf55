/**
 * The push and pop times of one dependency-token queue, as a sliding window: the simulator needs the push
 * time of the next token to pop (`pushAt(popCount)`) and the pop time that freed the slot of the next push
 * (`popAt(pushCount - depth)`), never older ones, so `trim` drops what can no longer be asked for and a
 * long run keeps a few entries instead of one per token.
 */
export class TokenTimes {
  private pushes: number[] = [];
  private pops: number[] = [];
  /** Index of pushes[0] / pops[0] among all pushes / pops so far. */
  private pushBase = 0;
  private popBase = 0;

  get pushCount(): number {
    return this.pushBase + this.pushes.length;
  }
  get popCount(): number {
    return this.popBase + this.pops.length;
  }
  /** Time of push number i, undefined when it has not happened (or was trimmed). */
  pushAt(i: number): number | undefined {
    return i >= this.pushBase ? this.pushes[i - this.pushBase] : undefined;
  }
  /** Time of pop number i, undefined when it has not happened (or was trimmed). */
  popAt(i: number): number | undefined {
    return i >= this.popBase ? this.pops[i - this.popBase] : undefined;
  }
  addPush(t: number): void {
    this.pushes.push(t);
  }
  addPop(t: number): void {
    this.pops.push(t);
  }
  /** Forgets pushes already popped and pops older than the last `depth` pushes. */
  trim(depth: number): void {
    const dropPush = Math.min(this.pushes.length, this.popCount - this.pushBase);
    if (dropPush > 0) {
      this.pushes.splice(0, dropPush);
      this.pushBase += dropPush;
    }
    const dropPop = Math.min(this.pops.length, this.pushCount - depth - this.popBase);
    if (dropPop > 0) {
      this.pops.splice(0, dropPop);
      this.popBase += dropPop;
    }
  }
  /** The kept times (unpopped pushes, then the pops later pushes may wait for), for in-place rewriting. */
  get window(): { readonly pushes: number[]; readonly pops: number[] } {
    return { pushes: this.pushes, pops: this.pops };
  }
}
