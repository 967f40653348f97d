import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';

// Placeholder until the command lands; kept so `guestops --help` lists it.
export const command: Command = {
  summary: '(not implemented yet)',
  usage: 'guestops apply: not implemented yet',
  async run() {
    throw new GuestopsError('not-implemented', 'guestops apply is not implemented yet');
  },
};
