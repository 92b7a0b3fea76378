// Preload for the Prisma CLI: its WebAssembly engine arms a 10 s timer that keeps the process
// alive after the command has finished. Unreferencing long timers armed from wasm frames lets
// the CLI exit as soon as its work is done.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function setTimeoutUnrefWasm(callback, delayMs, ...args) {
  const timer = originalSetTimeout(callback, delayMs, ...args);
  if (delayMs >= 1000 && String(new Error().stack).includes('wasm://')) timer.unref?.();
  return timer;
};
