/*
 * Preloaded into the server by the bench only (node --expose-gc --import dist/bench/gc-on-signal.js):
 * SIGWINCH runs a full collection, so memory is read after it. SIGWINCH is not one of close-with-grace's
 * shutdown signals, so the production entry point needs no hook for this.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc
if (collectGarbage !== undefined) process.on('SIGWINCH', () => collectGarbage())
