/** Alias of the public entry point (`index.ts`) for callers that import `emulator/server.js`. */
export { startEmulator, demoSeedPath } from './index.js';
export type { EmulatorOptions, RunningEmulator } from './index.js';
