// A library part with a library runtime bound to it, as the runtime tests read it.
import { getLibrary, libraryRuntime } from '../../src/spec/library.js';
import { bindRuntime } from '../../src/runtime/resolve.js';
import type { NormalizedHardware } from '../../src/spec/types.js';

export const bound = (hwId: string, rt: string): NormalizedHardware => bindRuntime(getLibrary().hardware[hwId]!, libraryRuntime(rt));
