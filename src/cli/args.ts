/**
 * Argument parsing for guestops commands: node:util parseArgs in strict mode, with errors turned
 * into a clear `usage` GuestopsError (exit 1) that names the command's --help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GuestopsError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(command: string, args: readonly string[], options: O) {
  // `-d` is `--dir` on every command that has one.
  const withShort = 'dir' in options && !('short' in options['dir']!) ? { ...options, dir: { ...options['dir']!, short: 'd' } } : options;
  try {
    return parseArgs({ args: [...args], options: withShort as O, strict: true, allowPositionals: false }).values;
  } catch (e) {
    // parseArgs' messages are sentences of their own: join them into one line, without the
    // final period (the hint below adds its own).
    const why = e instanceof Error
      ? e.message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ').replace(/\.\s*$/, '')
      : String(e);
    throw new GuestopsError('usage', `${why}. Run 'guestops ${command} --help' for the options.`);
  }
}

/** A positive integer option, or a usage error naming it. */
export function positiveInt(command: string, name: string, raw: string | undefined, dflt: number, min = 1): number {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new GuestopsError('usage', `--${name} must be an integer >= ${min}, got '${raw}'. Run 'guestops ${command} --help'.`);
  }
  return Number(raw);
}

export function oneOf<T extends string>(command: string, name: string, raw: string | undefined, allowed: readonly T[], dflt: T): T {
  if (raw === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new GuestopsError('usage', `--${name} must be one of ${allowed.join(', ')}, got '${raw}'. Run 'guestops ${command} --help'.`);
  }
  return raw as T;
}

/** Like parseCommandArgs, for a command that also takes at most `maxPositionals` operands (e.g. `init [DIR]`). */
export function parseCommandArgsAndOperands<O extends Options>(command: string, args: readonly string[], options: O, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new GuestopsError('usage', `${why}. Run 'guestops ${command} --help' for the options.`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new GuestopsError('usage', `unexpected argument '${parsed.positionals[maxPositionals]}'. Run 'guestops ${command} --help' for the options.`);
  }
  return { values: parsed.values, operands: parsed.positionals };
}
