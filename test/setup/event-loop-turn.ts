/**
 * Gives the test worker's event loop a turn after every test. Vitest runs one file's tests back to back
 * as promise continuations, so without this a file of synchronous tests never lets the worker read its
 * runner's replies; a reply it cannot read within 60 s is reported as an unhandled
 * `Timeout calling "onTaskUpdate"` error, and the run fails although every test passed. With a turn
 * after each test, only a single test that computes for a minute without awaiting could cause that.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolveTurn) => setImmediate(resolveTurn)));
