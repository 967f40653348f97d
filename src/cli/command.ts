/** The shape every `guestops <command>` module has: one file per command under `commands/`. */
export interface Command {
  /** One line for `guestops --help`. */
  readonly summary: string;
  /** Full `guestops <command> --help` text. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: readonly string[]): Promise<number>;
}
