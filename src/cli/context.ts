// What every subcommand gets from the CLI shell: where to write, and how to report its exit code.
import type { Command } from 'commander';

/** Stable exit codes (documented in --help and README). */
export const EXIT = {
  OK: 0,
  /** A detection at or above --fail-on, or invalid rules for `rules check`. */
  FINDINGS: 1,
  USAGE: 2,
  /** Inputs unreadable: nothing could be read. */
  UNREADABLE: 3,
} as const;

export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Set the process exit code for this run (the highest one set wins). */
  setExit(code: number): void;
}

/** A subcommand module: adds itself (with its options and help) to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;
