// A grid combination's digits and an axis value's text: what both the engine side and the format thread
// (src/sweep/format.ts) need of a grid, without loading the grid parser.
import type { AxisValue, SweepGrid } from './grid.js';

// Where each digit of a combination lives: digits[i] indexes axes[i].values.
export function decodeIndex(grid: SweepGrid, index: number, digits: Int32Array): void {
  for (let a = grid.axes.length - 1; a >= 0; a--) {
    const n = grid.axes[a]!.values.length;
    digits[a] = index % n;
    index = Math.floor(index / n);
  }
}

// The value as a CSV cell / flag string: a set alternative joins its PATH=VALUE items with ';'.
export function axisValueText(v: AxisValue): string {
  return Array.isArray(v) ? v.join(';') : String(v);
}
