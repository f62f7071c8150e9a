// What every copy scenario acts with: the seeded randomness, the record factory, the organization's
// keys and principals, the EBS building blocks, and where finished records go.
import type { Ebs } from '../ebs.ts';
import type { KeyRing, Principal } from '../org.ts';
import type { Rng } from '../random.ts';
import type { Emit, RecordFactory } from '../records.ts';

export interface Scene {
  rng: Rng;
  f: RecordFactory;
  keys: KeyRing;
  p: Record<string, Principal>;
  ebs: Ebs;
  emit: Emit;
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
