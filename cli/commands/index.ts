// Registry of subcommands: name -> module. Keep this a literal list.
import type { Command } from 'commander';

export function register(_program: Command): void {}
