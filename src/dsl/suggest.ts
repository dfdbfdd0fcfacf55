/** The language's "did you mean" hints: the shared implementation in src/formats/suggest.ts. */
export { didYouMean, editDistance, suggest } from '../formats/suggest.js';
