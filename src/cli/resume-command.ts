/**
 * The exact command that resumes an interrupted apply: the same options with `--run-id` set to
 * this run (a run resumes its own intents at once; another run would wait for the lease), and
 * without `--plan` — once some guests are applied the saved plan no longer describes the tenant
 * and apply would refuse it as stale; the resumed run plans again from the same guests/.
 */
const DROPPED_WITH_VALUE = new Set(['--run-id', '--plan']);

/** POSIX-shell quoting, only where needed so the usual command stays readable. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function resumeCommand(applyArgs: readonly string[], runId: string): string {
  const kept: string[] = [];
  for (let i = 0; i < applyArgs.length; i++) {
    const a = applyArgs[i]!;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (DROPPED_WITH_VALUE.has(name)) {
      if (eq < 0) i++;
      continue;
    }
    kept.push(a);
  }
  return ['guestops', 'apply', '--run-id', runId, ...kept].map(shellQuote).join(' ');
}
