// The cost flags every command that reports cost shares (simulate, compare, sweep via its grid, train).
import { Flags } from '@oclif/core';

export const costFlags = {
  price: Flags.string({ description: 'USD per device-hour (on-demand): one number for every device, or HARDWARE=USD,… per hardware' }),
  years: Flags.string({ description: 'TCO: years over which the purchase price is amortised (default 5)' }),
  pue: Flags.string({ description: 'TCO: power usage effectiveness, facility power / IT power (default 1.56)' }),
  'usd-per-kwh': Flags.string({ description: 'TCO: electricity price, USD per kWh (default 0.08)' }),
};
