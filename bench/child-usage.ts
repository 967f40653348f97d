/**
 * Preloaded into the guestops child (`node --import .../child-usage.js main.js plan ...`) so the
 * benchmark learns the child's own CPU time, peak RSS and page faults without any change to the
 * CLI: on exit the process writes `process.resourceUsage()` to the file named by BENCH_USAGE_FILE.
 */
import { writeFileSync } from 'node:fs';

const out = process.env['BENCH_USAGE_FILE'];
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userCpuMicros: u.userCPUTime, systemCpuMicros: u.systemCPUTime, maxRssKb: u.maxRSS, minorPageFaults: u.minorPageFault }));
  });
}
