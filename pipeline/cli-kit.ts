// What every command shares: the global options, opening the store, and output.
import { resolveDbPath, Store } from '../queries/store.ts';

export interface GlobalOptions {
  db?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function openStoreFor(opts: GlobalOptions): Promise<Store> {
  return Store.open({ path: resolveDbPath(opts.db) });
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
