// Signed evidence manifests: a report folder from a real store verifies untouched, and every way an
// attacker might change it (edit, swap, add, delete a file; fix the hash in the manifest; re-sign
// with another key; replace the embedded key; cut the signature; list ../../etc/passwd; plant a
// symlink; rewrite the inputs list) is named, with the exit status `copytrail verify` uses.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { blocks, jsonPieces } from '../../reports/json-stream.ts';
import { ledgerRows } from '../../reports/manifest.ts';
import { keyIdOf, resolveSigningKey, type SigningKey, spkiDer } from '../../reports/manifest-key.ts';
import { parseTrustedKey, type VerifyReport, verifyDir } from '../../reports/manifest-verify.ts';
import {
  type InputRow,
  leafHash,
  leafText,
  MerkleBuilder,
  merkleRootOf,
  nodeHash,
  rowOfLine,
} from '../../reports/merkle.ts';
import { simulate } from '../../simulator/simulate.ts';
import { copytrail } from '../helpers.ts';

const NOW = new Date('2026-03-03T00:00:00Z');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function keyFrom(privateKey: KeyObject, origin: SigningKey['origin'] = 'config'): SigningKey {
  const pub = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey: pub,
    keyId: keyIdOf(pub),
    publicKeyB64: spkiDer(pub).toString('base64'),
    origin,
    path: null,
    warning: null,
  };
}

/** the parts of a manifest the attacks rewrite */
interface Doc {
  manifest_version?: number;
  signer: { public_key: string; key_id: string };
  inputs: { file: string };
  outputs: { file: string; format: string; sha256: string; bytes: number }[];
}

const problemsOf = (r: VerifyReport) => r.manifests.flatMap((m) => m.problems);
const kinds = (r: VerifyReport, file?: string) =>
  problemsOf(r)
    .filter((p) => file === undefined || p.file === file)
    .map((p) => p.kind)
    .sort();

describe('signed evidence manifests', () => {
  let root: string;
  let db: string;
  let pristine: string;
  let ownerKey: SigningKey;
  let ownerPem: string;
  let ownerPub: string;
  let attacker: SigningKey;
  let n = 0;
  /** a fresh copy of the untouched report folder */
  const copy = () => {
    const dir = join(root, `case-${++n}`);
    cpSync(pristine, dir, { recursive: true });
    return dir;
  };
  const manifestOf = (dir: string, base = 'residency'): Doc =>
    JSON.parse(readFileSync(join(dir, `${base}.manifest.json`), 'utf8'));
  /** rewrites a manifest and signs its new bytes with `key`, as someone holding that key would */
  const resign = (dir: string, key: SigningKey, edit: (m: Doc) => void, base = 'residency') => {
    const m = manifestOf(dir, base);
    edit(m);
    const bytes = Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
    writeFileSync(join(dir, `${base}.manifest.json`), bytes);
    writeFileSync(
      join(dir, `${base}.manifest.sig`),
      `${sign(null, bytes, key.privateKey).toString('base64')}\n`,
    );
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'copytrail-manifest-'));
    const logs = join(root, 'logs');
    simulate({ out: logs, events: 1500, days: 2, seed: 7, digests: false, start: '2026-03-01' });
    db = join(root, 'store.duckdb');
    const store = await Store.open({ path: db, memoryLimit: '1GB' });
    try {
      await ingestDir(store, [logs]);
      await correlate(store);
      const owner = generateKeyPairSync('ed25519');
      ownerKey = keyFrom(owner.privateKey);
      ownerPem = join(root, 'owner.pem');
      writeFileSync(ownerPem, owner.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      ownerPub = join(root, 'owner.pub.pem');
      writeFileSync(ownerPub, owner.publicKey.export({ format: 'pem', type: 'spki' }));
      attacker = keyFrom(generateKeyPairSync('ed25519').privateKey);
      pristine = join(root, 'pristine');
      for (const id of ['residency', 'dr_coverage'] as const) {
        await generateReport(store, {
          id,
          config: Config.parse({}),
          formats: ['json', 'html'],
          out: pristine,
          now: NOW,
          signingKey: ownerKey,
        });
      }
    } finally {
      store.close();
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe('untouched', () => {
    it('a folder as written verifies: every manifest signed, every output and the inputs root as listed', async () => {
      const r = await verifyDir(pristine);
      expect(problemsOf(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.warnings).toEqual([]);
      expect(r.manifests.map((m) => m.manifest)).toEqual([
        'dr_coverage.manifest.json',
        'residency.manifest.json',
      ]);
      for (const m of r.manifests) {
        expect(m.signer).toEqual({ key_id: ownerKey.keyId, origin: 'config', trusted: null });
        // json, html and the inputs list
        expect(m.outputs).toBe(3);
      }
    });

    it('the CLI exits 0, names the signer, and warns that an embedded key proves no signer', () => {
      const r = copytrail(['manifest', 'verify', pristine]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`signer  ed25519 ${ownerKey.keyId}: the key embedded in the manifest`);
      expect(r.stdout).toMatch(/proves nothing changed by accident since signing, not who signed/);
      expect(r.stdout).toMatch(/manifest verify: 2 manifest\(s\), no problem: untouched since signing\n$/);
    });

    it('--key with the signer (fingerprint, public PEM, or the private PEM) proves the signer; --db proves the store', () => {
      for (const key of [ownerKey.keyId, `sha256:${ownerKey.keyId.toUpperCase()}`, ownerPub, ownerPem]) {
        const r = copytrail([
          'manifest',
          'verify',
          pristine,
          '--key',
          key,
          ...(key === ownerPem ? ['--db', db] : []),
        ]);
        expect(r.code, `${key}: ${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stdout).toContain('the key --key requires');
        expect(r.stdout).not.toContain('embedded');
        if (key === ownerPem) expect(r.stdout).toContain('(matches the store)');
      }
    });
  });

  describe('attacks', () => {
    it('edit an output: its sha256 and size are named, expected against actual, exit 1', () => {
      const dir = copy();
      writeFileSync(
        join(dir, 'residency.html'),
        `${readFileSync(join(dir, 'residency.html'), 'utf8')}<!-- -->`,
      );
      const r = copytrail(['manifest', 'verify', dir]);
      expect(r.code).toBe(1);
      const listed = manifestOf(dir).outputs.find((o) => o.file === 'residency.html')!;
      const actual = sha256(readFileSync(join(dir, 'residency.html')));
      expect(r.stdout).toContain(
        `FAIL    residency.html: sha256 differs: expected ${listed.sha256}, actual ${actual}`,
      );
      expect(r.stdout).toContain(
        `FAIL    residency.html: size differs: expected ${listed.bytes}, actual ${listed.bytes + 8}`,
      );
      expect(r.stdout).toMatch(/manifest verify: 2 problem\(s\) in 2 manifest\(s\)/);
      expect(r.stdout).not.toContain('dr_coverage.html: ');
    });

    it('edit a byte without changing the size: caught by the hash alone', async () => {
      const dir = copy();
      const file = join(dir, 'dr_coverage.json');
      const data = readFileSync(file);
      data[10] = data[10] === 0x41 ? 0x42 : 0x41;
      writeFileSync(file, data);
      expect(kinds(await verifyDir(dir))).toEqual(['sha256']);
    });

    it('swap two files between reports: both named', async () => {
      const dir = copy();
      const a = readFileSync(join(dir, 'residency.json'));
      writeFileSync(join(dir, 'residency.json'), readFileSync(join(dir, 'dr_coverage.json')));
      writeFileSync(join(dir, 'dr_coverage.json'), a);
      const r = await verifyDir(dir);
      expect(
        problemsOf(r)
          .filter((p) => p.kind === 'sha256')
          .map((p) => p.file),
      ).toEqual(['dr_coverage.json', 'residency.json']);
    });

    it('delete a listed file: missing', async () => {
      const dir = copy();
      unlinkSync(join(dir, 'residency.json'));
      const r = await verifyDir(dir);
      expect(problemsOf(r)).toEqual([
        expect.objectContaining({
          manifest: 'residency.manifest.json',
          file: 'residency.json',
          kind: 'missing',
        }),
      ]);
    });

    it('add a file: a warning naming it (exit 0), and a failure with --strict', () => {
      const dir = copy();
      writeFileSync(join(dir, 'residency.pdf'), '%PDF-1.7 forged');
      const r = copytrail(['manifest', 'verify', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('WARNING residency.pdf: listed in no manifest: nothing here vouches for it');
      expect(copytrail(['manifest', 'verify', '--strict', dir]).code).toBe(1);
    });

    it('edit a file and fix its hash and size in the manifest: the signature no longer holds', async () => {
      const dir = copy();
      const file = join(dir, 'residency.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"fail"', '"pass"'));
      const m = manifestOf(dir);
      const o = m.outputs.find((x) => x.file === 'residency.json')!;
      o.sha256 = sha256(readFileSync(file));
      o.bytes = statSync(file).size;
      writeFileSync(join(dir, 'residency.manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
      const r = await verifyDir(dir);
      expect(problemsOf(r)).toEqual([
        expect.objectContaining({
          file: 'residency.manifest.sig',
          kind: 'signature',
          message: expect.stringMatching(/bad signature/),
        }),
      ]);
    });

    it('edit the manifest and re-sign with another key: shown as a different signer, refused under --key', async () => {
      const dir = copy();
      const file = join(dir, 'residency.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"fail"', '"pass"'));
      resign(dir, attacker, (m) => {
        const o = m.outputs.find((x) => x.file === 'residency.json')!;
        o.sha256 = sha256(readFileSync(file));
        o.bytes = statSync(file).size;
        m.signer.public_key = attacker.publicKeyB64;
        m.signer.key_id = attacker.keyId;
      });
      // without --key the signature holds under the embedded key: the output must show it is not the owner's
      const loose = await verifyDir(dir);
      expect(loose.ok).toBe(true);
      expect(loose.manifests.find((m) => m.manifest === 'residency.manifest.json')!.signer!.key_id).toBe(
        attacker.keyId,
      );
      const strict = copytrail(['manifest', 'verify', dir, '--key', ownerKey.keyId]);
      expect(strict.code).toBe(1);
      expect(strict.stdout).toContain(
        `FAIL    residency.manifest.json: signed by a key other than the one --key requires: expected ${ownerKey.keyId}, actual ${attacker.keyId}`,
      );
      expect(strict.stdout).toContain('NOT the key --key requires');
    });

    it('replace the embedded public key (with or without its key id), keeping the signature: bad signature', async () => {
      for (const withId of [false, true]) {
        const dir = copy();
        const m = manifestOf(dir);
        m.signer.public_key = attacker.publicKeyB64;
        if (withId) m.signer.key_id = attacker.keyId;
        writeFileSync(join(dir, 'residency.manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
        const r = await verifyDir(dir);
        expect(kinds(r, 'residency.manifest.sig')).toEqual(['signature']);
        // a key id that is not the key's fingerprint is named too
        expect(kinds(r, 'residency.manifest.json')).toEqual(withId ? [] : ['key']);
      }
    });

    it('truncate, delete, garble or swap the signature: named as a signature problem', async () => {
      const cases: [string, (dir: string) => void, RegExp][] = [
        [
          'truncated',
          (d) =>
            writeFileSync(
              join(d, 'residency.manifest.sig'),
              readFileSync(join(d, 'residency.manifest.sig'), 'utf8').slice(0, 40),
            ),
          /not an Ed25519 signature \(30 bytes/,
        ],
        ['deleted', (d) => unlinkSync(join(d, 'residency.manifest.sig')), /signature missing/],
        ['empty', (d) => writeFileSync(join(d, 'residency.manifest.sig'), ''), /not an Ed25519 signature/],
        [
          "another report's",
          (d) => cpSync(join(d, 'dr_coverage.manifest.sig'), join(d, 'residency.manifest.sig')),
          /bad signature/,
        ],
      ];
      for (const [what, damage, message] of cases) {
        const dir = copy();
        damage(dir);
        const r = await verifyDir(dir);
        expect(problemsOf(r), what).toEqual([
          expect.objectContaining({
            file: 'residency.manifest.sig',
            kind: 'signature',
            message: expect.stringMatching(message),
          }),
        ]);
      }
    });

    it('a manifest listing ../../etc/passwd, an absolute path or a sub-folder is refused unread, even when validly signed', async () => {
      const dir = copy();
      const passwd = readFileSync('/etc/passwd');
      resign(dir, ownerKey, (m) => {
        for (const file of ['../../etc/passwd', '/etc/passwd', 'sub/residency.json']) {
          m.outputs.push({ file, format: 'json', sha256: sha256(passwd), bytes: passwd.length });
        }
      });
      const r = await verifyDir(dir, { key: parseTrustedKey(ownerKey.keyId) });
      expect(problemsOf(r).map((p) => [p.file, p.kind])).toEqual([
        ['../../etc/passwd', 'unsafe_name'],
        ['/etc/passwd', 'unsafe_name'],
        ['sub/residency.json', 'unsafe_name'],
      ]);
    });

    it('a symlink in place of an output is refused, even to a file with the same bytes', async () => {
      const dir = copy();
      const elsewhere = join(root, `elsewhere-${n}.html`);
      cpSync(join(dir, 'residency.html'), elsewhere);
      unlinkSync(join(dir, 'residency.html'));
      symlinkSync(elsewhere, join(dir, 'residency.html'));
      const r = await verifyDir(dir);
      expect(problemsOf(r)).toEqual([
        expect.objectContaining({
          file: 'residency.html',
          kind: 'not_regular',
          message: expect.stringMatching(/symbolic link/),
        }),
      ]);
    });

    it('rewrite the inputs list (drop a file) and its listed hash, re-signed: the Merkle root and count disagree', async () => {
      const dir = copy();
      const m = manifestOf(dir);
      const sidecar = join(dir, m.inputs.file);
      const lines = gunzipSync(readFileSync(sidecar)).toString('utf8').trimEnd().split('\n');
      writeFileSync(sidecar, gzipSync(`${lines.slice(1).join('\n')}\n`));
      resign(dir, ownerKey, (mm) => {
        const o = mm.outputs.find((x) => x.file === mm.inputs.file)!;
        o.sha256 = sha256(readFileSync(sidecar));
        o.bytes = statSync(sidecar).size;
      });
      const r = await verifyDir(dir, { key: parseTrustedKey(ownerKey.keyId) });
      const inputs = problemsOf(r).filter((p) => p.kind === 'inputs');
      expect(inputs.map((p) => p.message)).toEqual([
        'the number of inputs differs',
        'the Merkle root of the inputs differs',
        expect.stringMatching(/^the (digest_status|status) totals differ$/),
        expect.stringMatching(/^the (digest_status|status) totals differ$/),
      ]);
      expect(inputs[0]).toMatchObject({ expected: lines.length, actual: lines.length - 1 });
    });

    it('edit one input row in place (its hash fixed, re-signed): the root disagrees', async () => {
      const dir = copy();
      const m = manifestOf(dir);
      const sidecar = join(dir, m.inputs.file);
      const text = gunzipSync(readFileSync(sidecar)).toString('utf8');
      const line = text.split('\n')[0]!;
      const row = JSON.parse(line);
      row[3] = 'f'.repeat(64); // the file's sha256
      const edited = text.replace(line, JSON.stringify(row));
      expect(edited).not.toBe(text);
      writeFileSync(sidecar, gzipSync(edited));
      resign(dir, ownerKey, (mm) => {
        const o = mm.outputs.find((x) => x.file === mm.inputs.file)!;
        o.sha256 = sha256(readFileSync(sidecar));
        o.bytes = statSync(sidecar).size;
      });
      const r = await verifyDir(dir);
      expect(problemsOf(r).map((p) => p.message)).toEqual(['the Merkle root of the inputs differs']);
    });

    it('an unsigned manifest of the old layout is a problem, not a pass', async () => {
      const dir = copy();
      const m = manifestOf(dir);
      const old: Partial<Doc> = m;
      delete old.manifest_version;
      delete old.signer;
      writeFileSync(join(dir, 'residency.manifest.json'), JSON.stringify(m));
      unlinkSync(join(dir, 'residency.manifest.sig'));
      expect(kinds(await verifyDir(dir))).toEqual(['unsigned']);
    });

    it('--db: a store with an input more than the report was made from is named', async () => {
      const copyDb = join(root, 'more.duckdb');
      cpSync(db, copyDb);
      const extra = join(root, 'extra-logs');
      simulate({ out: extra, events: 200, days: 1, seed: 99, digests: false, start: '2026-03-05' });
      const store = await Store.open({ path: copyDb, memoryLimit: '1GB' });
      try {
        await ingestDir(store, [extra]);
      } finally {
        store.close();
      }
      const r = copytrail(['--db', copyDb, 'manifest', 'verify', pristine]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /FAIL {4}residency\.manifest\.json: the store's file ledger \(\d+ files\) is not the one this report was made from/,
      );
    });
  });

  describe('usage', () => {
    it('no such folder, or a folder with no manifest: exit 2; a --key that is no key: exit 2', () => {
      const none = copytrail(['manifest', 'verify', join(root, 'absent')]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no folder .*absent/);
      const empty = join(root, 'empty');
      mkdirSync(empty);
      const e = copytrail(['manifest', 'verify', empty]);
      expect(e.code).toBe(2);
      expect(e.stderr).toMatch(/no report manifest \(\*\.manifest\.json\)/);
      expect(copytrail(['manifest', 'verify', pristine, '--key', 'abc']).code).toBe(2);
    });
  });
});

describe('the signing key', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'copytrail-key-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('without one configured, a per-user key is generated once (0600 in a 0700 folder) and reused', () => {
    const env = { COPYTRAIL_HOME: join(home, 'h1') };
    const first = resolveSigningKey(undefined, env);
    expect(first.origin).toBe('local');
    expect(statSync(join(home, 'h1')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'h1', 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(resolveSigningKey(undefined, env).keyId).toBe(first.keyId);
    expect(first.warning).toBeNull();
    // a key others can read is still used, with a warning that says how to fix it
    chmodSync(join(home, 'h1', 'signing-key.pem'), 0o644);
    expect(resolveSigningKey(undefined, env).warning).toMatch(
      /readable by others \(mode 644\); run chmod 600/,
    );
    // $XDG_CONFIG_HOME/copytrail when COPYTRAIL_HOME is not set
    const xdg = resolveSigningKey(undefined, { XDG_CONFIG_HOME: join(home, 'xdg') });
    expect(existsSync(join(home, 'xdg', 'copytrail', 'signing-key.pem'))).toBe(true);
    expect(xdg.keyId).not.toBe(first.keyId);
  });

  it('COPYTRAIL_SIGNING_KEY overrides the config, which overrides the per-user key; a bad named key is an error', () => {
    const a = generateKeyPairSync('ed25519').privateKey;
    const b = generateKeyPairSync('ed25519').privateKey;
    const pa = join(home, 'a.pem');
    const pb = join(home, 'b.pem');
    writeFileSync(pa, a.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(pb, b.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const env = { COPYTRAIL_HOME: join(home, 'h2') };
    expect(resolveSigningKey(pa, env)).toMatchObject({ origin: 'config', keyId: keyFrom(a).keyId });
    expect(resolveSigningKey(pa, { ...env, COPYTRAIL_SIGNING_KEY: pb })).toMatchObject({
      origin: 'env',
      keyId: keyFrom(b).keyId,
    });
    expect(existsSync(join(home, 'h2'))).toBe(false);
    expect(() => resolveSigningKey(join(home, 'none.pem'), env)).toThrow(
      /reports.signing_key .*none.pem: cannot read it/,
    );
    const rsa = join(home, 'rsa.pem');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    expect(() => resolveSigningKey(rsa, env)).toThrow(/a rsa key; manifests are signed with Ed25519/);
    expect(() => resolveSigningKey(undefined, { COPYTRAIL_SIGNING_KEY: rsa })).toThrow(
      /COPYTRAIL_SIGNING_KEY/,
    );
  });

  it('where no key can be stored (a read-only home, as in Lambda), a key for this run only, with a warning', () => {
    const file = join(home, 'not-a-folder');
    writeFileSync(file, '');
    const k = resolveSigningKey(undefined, { COPYTRAIL_HOME: join(file, 'copytrail') });
    expect(k.origin).toBe('ephemeral');
    expect(k.warning).toMatch(/signed with a key made for this run only; set COPYTRAIL_SIGNING_KEY/);
  });
});

describe('the inputs Merkle tree', () => {
  const row = (i: number): InputRow => ({
    location: `s3://trail/AWSLogs/${i}.json.gz`,
    source: 's3',
    kind: 'log',
    sha256: sha256(String(i)),
    size: 100 + i,
    status: 'loaded',
    digest_status: i % 3 ? 'valid' : 'unchecked',
  });

  it('the streaming builder gives RFC 6962 roots for every size from 0 to 40', () => {
    for (let size = 0; size <= 40; size++) {
      const rows = Array.from({ length: size }, (_, i) => row(i));
      const b = new MerkleBuilder();
      for (const r of rows) b.add(r);
      expect(b.root(), `${size} leaves`).toBe(merkleRootOf(rows.map(leafHash)));
      expect(b.count).toBe(size);
    }
    // the shape for 3 leaves, written out: ((a b) c)
    const [a, b, c] = [0, 1, 2].map((i) => leafHash(row(i)));
    expect(merkleRootOf([a!, b!, c!])).toBe(nodeHash(nodeHash(a!, b!), c!).toString('hex'));
    expect(merkleRootOf([])).toBe(sha256(''));
  });

  it('a sidecar line must be the canonical text of its row: no spaces, no extra or missing field, no other types', () => {
    const line = leafText(row(1));
    expect(rowOfLine(line)).toEqual(row(1));
    expect(() => rowOfLine(line.replaceAll(',', ', '))).toThrow(/not in canonical form/);
    expect(() => rowOfLine(line.replace(']', ',"x"]'))).toThrow(/not an array of the 7 leaf fields/);
    expect(() => rowOfLine(line.replace('101', '"101"'))).toThrow(/not in canonical form/);
    expect(() => rowOfLine('{"location":"x"}')).toThrow(/not an array/);
  });

  it('leaves and nodes are hashed apart, every field counts, and order counts', () => {
    const base = merkleRootOf([row(1), row(2)].map(leafHash));
    expect(merkleRootOf([row(2), row(1)].map(leafHash))).not.toBe(base);
    for (const field of [
      'location',
      'source',
      'kind',
      'sha256',
      'size',
      'status',
      'digest_status',
    ] as const) {
      const changed = { ...row(1), [field]: field === 'size' ? 1 : `${row(1)[field]}x` };
      expect(merkleRootOf([changed, row(2)].map(leafHash)), field).not.toBe(base);
    }
    // a leaf is sha256(0x00 || the JSON array of its fields), a node sha256(0x01 || left || right):
    // a node can never pass for a leaf
    const [l, r] = [leafHash(row(1)), leafHash(row(2))];
    const fields = JSON.stringify([
      's3://trail/AWSLogs/1.json.gz',
      's3',
      'log',
      sha256('1'),
      101,
      'loaded',
      'valid',
    ]);
    expect(l.toString('hex')).toBe(sha256(Buffer.concat([Buffer.from([0]), Buffer.from(fields)])));
    expect(nodeHash(l, r).toString('hex')).toBe(sha256(Buffer.concat([Buffer.from([1]), l, r])));
  });

  it('the store’s ledger streams in one total order: the sidecar holds exactly its rows', async () => {
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    try {
      const logs = mkdtempSync(join(tmpdir(), 'copytrail-merkle-'));
      try {
        simulate({ out: logs, events: 300, days: 1, seed: 5, digests: false, start: '2026-03-01' });
        await ingestDir(store, [logs]);
        const rows: InputRow[] = [];
        for await (const chunk of ledgerRows(store)) rows.push(...chunk);
        const { rows: n } = await store.userQuery('select count(*)::integer as n from ingested_files');
        expect(rows.length).toBe(Number(n[0]!.n));
        const keys = rows.map((r) => r.location);
        expect(keys).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
        const out = join(logs, 'out');
        const r = await generateReport(store, {
          id: 'residency',
          config: Config.parse({}),
          formats: ['json'],
          out,
          now: NOW,
          signingKey: keyFrom(generateKeyPairSync('ed25519').privateKey),
        });
        const m = JSON.parse(readFileSync(r.manifest, 'utf8'));
        const side = gunzipSync(readFileSync(join(out, m.inputs.file)))
          .toString('utf8')
          .trimEnd()
          .split('\n');
        // each line is the text its leaf hashes
        expect(side).toEqual(rows.map(leafText));
        expect(m.inputs.count).toBe(rows.length);
        expect(m.inputs.merkle_root).toBe(merkleRootOf(rows.map(leafHash)));
        // the per-file list is out of the manifest
        expect(JSON.stringify(m)).not.toContain(rows[0]!.location);
      } finally {
        rmSync(logs, { recursive: true, force: true });
      }
    } finally {
      store.close();
    }
  });
});

describe('the JSON report, written in pieces', () => {
  it('is byte for byte JSON.stringify(value, null, 2) on awkward values', () => {
    const value = {
      a: [],
      b: {},
      c: [1, 'two', null, undefined, () => 1, { d: undefined, e: [[]] }],
      f: undefined,
      g: new Date('2026-03-01T00:00:00Z'),
      h: 'quote " backslash \\ newline \n tab \t é 😀 \u2028',
      i: { toJSON: () => ({ j: [1, { k: {} }] }) },
      l: -0,
      m: Number.NaN,
      n: 1e21,
      o: [{ p: [{}] }],
      q: true,
      r: Object.assign(Object.create(null), { s: 1 }),
    };
    // walked all the way down (budget 0), in part, or handed to JSON.stringify in parts of any size
    for (const budget of [0, 1, 3, 8, 512]) {
      expect([...jsonPieces(value, budget)].join(''), `budget ${budget}`).toBe(
        JSON.stringify(value, null, 2),
      );
    }
    expect([...blocks(jsonPieces(value, 0), 7)].join('')).toBe(JSON.stringify(value, null, 2));
    expect([...jsonPieces([])].join('')).toBe('[]');
    // a large model never becomes one string: pieces stay the size of a finding
    const findings = Array.from({ length: 5000 }, (_, i) => ({ arn: `arn:${i}`, chain: [{ at: i }] }));
    const pieces = [...jsonPieces({ findings }, 16)];
    expect(pieces.length).toBeGreaterThan(5000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
    expect(pieces.join('')).toBe(JSON.stringify({ findings }, null, 2));
  });

  it('the report file is the model as JSON.stringify writes it, and its listed sha256 and size are its own', async () => {
    const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    const dir = mkdtempSync(join(tmpdir(), 'copytrail-json-'));
    try {
      simulate({
        out: join(dir, 'logs'),
        events: 600,
        days: 1,
        seed: 8,
        digests: false,
        start: '2026-03-01',
      });
      await ingestDir(store, [join(dir, 'logs')]);
      await correlate(store);
      const r = await generateReport(store, {
        id: 'dr_coverage',
        config: Config.parse({}),
        formats: ['json'],
        out: join(dir, 'out'),
        now: NOW,
        signingKey: keyFrom(generateKeyPairSync('ed25519').privateKey),
      });
      const file = r.files.find((f) => f.format === 'json')!;
      const text = readFileSync(file.path);
      expect(text.toString('utf8')).toBe(`${JSON.stringify(r.model, null, 2)}\n`);
      expect(file.sha256).toBe(sha256(text));
      expect(file.bytes).toBe(text.length);
      expect(existsSync(`${file.path}.${process.pid}.partial`)).toBe(false);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
