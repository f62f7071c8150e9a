// `copytrail manifest verify DIR`: proves a folder of reports is as signed; `copytrail manifest key`
// prints the public half of the key reports are signed with, to hand to whoever verifies them.
import type { Command } from 'commander';
import { existingDbPath, type GlobalOptions, out, UsageError, warn } from '../core/cli-kit.ts';
import { ConfigError, loadConfig } from '../core/config.ts';

interface VerifyFlags {
  key?: string;
  strict?: boolean;
}

type Globals = GlobalOptions & { output?: string };

function configFrom(file: string | undefined) {
  try {
    return loadConfig(file ?? process.env.COPYTRAIL_CONFIG);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export function registerManifest(program: Command): void {
  const manifest = program
    .command('manifest')
    .description("check reports' signed evidence manifests, and show the key that signs them");
  manifest
    .command('verify')
    .description(
      'check every *.manifest.json in DIR: signature, each output file (sha256, size), the inputs Merkle root; exit 1 on any change',
    )
    .argument('<dir>', 'a folder of reports, as `copytrail report --out` wrote it')
    .option('--key <key>', 'require this signer: a PEM public key file, or its fingerprint (64 hex digits)')
    .option('--strict', 'files that no manifest lists also fail the check (default: a warning)')
    .addHelpText(
      'after',
      "\nWith the global --db FILE, the inputs Merkle root is also recomputed from that store's file ledger.",
    )
    .action(async (dir: string, opts: VerifyFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals<Globals>();
      const { ManifestUsageError, parseTrustedKey, TAMPERED_EXIT, verifyDir } = await import(
        './manifest-verify.ts'
      );
      const { formatVerifyReport } = await import('./manifest-format.ts');
      let store: import('../queries/store.ts').Store | undefined;
      try {
        const key = opts.key ? parseTrustedKey(opts.key) : undefined;
        // only a store named on the command line: the default ./copytrail.duckdb may be any other one
        if (global.db) {
          const path = existingDbPath(global, 'name the store the reports were made from');
          const { Store } = await import('../queries/store.ts');
          store = await Store.open({ path, readOnly: true });
        }
        const { ledgerRows } = await import('./manifest.ts');
        const s = store;
        const report = await verifyDir(dir, { key, ledger: s ? () => ledgerRows(s) : undefined });
        if (global.output === 'json') out(JSON.stringify(report, null, 2));
        else out(formatVerifyReport(report));
        if (!report.ok || (opts.strict && report.warnings.length)) process.exitCode = TAMPERED_EXIT;
      } catch (err) {
        if (err instanceof ManifestUsageError) throw new UsageError(err.message);
        throw err;
      } finally {
        store?.close();
      }
    });
  manifest
    .command('key')
    .description(
      'print the public key that `copytrail report` signs manifests with (creating the per-user key if none)',
    )
    .option('--config <file>', 'the config whose reports.signing_key to use (default: $COPYTRAIL_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const config = configFrom(opts.config);
      const { resolveSigningKey } = await import('./manifest-key.ts');
      // a key that is named but cannot be used is a SigningKeyError, a usage error: exit 2
      const key = resolveSigningKey(config.reports.signing_key);
      if (key.warning) warn(`copytrail: ${key.warning}`);
      out(`ed25519 ${key.keyId} (${key.origin}${key.path ? `: ${key.path}` : ''})`);
      out(key.publicKey.export({ format: 'pem', type: 'spki' }).toString().trimEnd());
    });
}
