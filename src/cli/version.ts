/** The qacc version, stamped into generated files. Kept in step with package.json by a test. */
export const QACC_VERSION = '0.1.0';
