// Digest-chain verification on a simulated, signed trail. The intact trail verifies (exit 0); then
// the same trail is attacked in every way at once, each attack in its own account-Region chain, and
// each must be named for what it is: tampered when an authentic digest proves it, unverified otherwise.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { BatchLoader } from '../../ingest/loader.ts';
import {
  type Finding,
  formatVerifyReport,
  loadPublicKeys,
  type VerifyOptions,
  type VerifyReport,
  verifyStore,
} from '../../ingest/verify.ts';
import { Store } from '../../queries/store.ts';
import {
  attackerSigner,
  type ChainRef,
  chainsByActivity,
  type DigestBody,
  digestsOf,
  editLog,
  forgeLog,
  listedPath,
  logFolderOf,
  logName,
  middleWithFiles,
  readDigest,
  rewriteChain,
  simulateTrail,
  startOf,
  TRUSTED,
  writeDigest,
} from './verify-trail.ts';

interface Verdict {
  status: string;
  reason: string | null;
}
interface Outcome {
  report: VerifyReport;
  text: string;
  /** by location: log files (and API pages) */
  files: Map<string, Verdict>;
  /** by location: digests */
  digests: Map<string, Verdict>;
}

let work: string;
/** the simulated trail: verified intact first, then attacked in place */
let trail: string;
let intact: Outcome;
let simulated: { logs: number; digests: number };
let attacked: Outcome;
const pem = () => join(trail, 'cloudtrail-public-key.pem');
const keyOf = (path: string) => path.slice(path.indexOf('AWSLogs/'));

async function readVerdicts(store: Store): Promise<Pick<Outcome, 'files' | 'digests'>> {
  const files = new Map<string, Verdict>();
  const digests = new Map<string, Verdict>();
  const f = await store.userQuery(
    "select location, digest_status as status, digest_reason as reason from ingested_files where kind = 'log'",
  );
  for (const r of f.rows)
    files.set(String(r.location), { status: String(r.status), reason: r.reason as string | null });
  const d = await store.userQuery(
    'select i.location, d.status, d.status_reason as reason from digests d join ingested_files i using (file_id)',
  );
  for (const r of d.rows)
    digests.set(String(r.location), { status: String(r.status), reason: r.reason as string | null });
  return { files, digests };
}

/** Ingests into a database file, verifies with the simulator's key, and reads the stored verdicts back. */
async function ingestAndVerify(db: string, paths: string[], opts: VerifyOptions = {}): Promise<Outcome> {
  const store = await Store.open({ path: db, memoryLimit: '1GB' });
  try {
    await ingestDir(store, paths);
    const report = await verifyStore(store, { keys: loadPublicKeys(pem()), ...opts });
    return { report, text: formatVerifyReport(report), ...(await readVerdicts(store)) };
  } finally {
    store.close();
  }
}

// what each attack did, for its assertions
const S: Record<string, { chain: ChainRef; paths: Record<string, string> }> = {};
const used = new Set<string>();
let chains: ChainRef[];
function take(name: string, fits: (c: ChainRef, digests: string[]) => boolean = () => true): ChainRef {
  const c = chains.find((x) => !used.has(`${x.account}/${x.region}`) && fits(x, digestsOf(trail, x)));
  if (!c) throw new Error(`no chain left for ${name}`);
  used.add(`${c.account}/${c.region}`);
  S[name] = { chain: c, paths: {} };
  return c;
}
const lastHasFiles = (_: ChainRef, d: string[]) => readDigest(d.at(-1)!).logFiles.length > 0;

/** An entry for a forged file, as an attacker would add it to a digest's logFiles. */
const entryFor = (body: DigestBody, path: string, hash: string) => ({
  s3Bucket: body.digestS3Bucket,
  s3Object: keyOf(path),
  hashValue: hash,
  hashAlgorithm: 'SHA-256',
});

/** Applies every attack to the trail, one chain each; returns paths that must be named on the command line. */
function attack(): string[] {
  const at = (body: DigestBody, minutes: number) => startOf(body) + minutes * 60_000;
  let c: ChainRef;
  let d: string[];
  let k: number;
  let body: DigestBody;

  c = take('modified');
  d = digestsOf(trail, c);
  S.modified!.paths.file = listedPath(trail, readDigest(d[middleWithFiles(d)]!));
  editLog(S.modified!.paths.file);

  c = take('inserted');
  d = digestsOf(trail, c);
  S.inserted!.paths.file = logName(
    trail,
    c,
    at(readDigest(d[middleWithFiles(d)]!), 20),
    'INSERTEDxxxxxxxx',
    '.json.gz',
  );
  forgeLog(S.inserted!.paths.file);

  // (a) forged files under odd names in a covered hour, and names that are no CloudTrail name at all
  c = take('oddNames');
  d = digestsOf(trail, c);
  const when = at(readDigest(d[middleWithFiles(d)]!), 25);
  const odd = S.oddNames!.paths;
  odd.json = logName(trail, c, when, 'ODDJSONxxxxxxxxx', '.json');
  forgeLog(odd.json, { gzip: false });
  odd.ndjson = logName(trail, c, when, 'ODDNDJSONxxxxxxx', '.ndjson');
  forgeLog(odd.ndjson, { gzip: false, ndjson: true });
  odd.cloudtrail = logName(trail, c, when, 'ODDCLOUDTRAILxxx', '.json.cloudtrail');
  forgeLog(odd.cloudtrail, { gzip: false });
  odd.bare = logName(trail, c, when, 'ODDBARExxxxxxxxx', '');
  forgeLog(odd.bare);
  odd.notes = join(dirname(odd.json), 'notes\u001b[31m.json');
  forgeLog(odd.notes, { gzip: false });
  odd.loose = join(trail, 'loose', 'exported.json');
  mkdirSync(dirname(odd.loose));
  forgeLog(odd.loose, { gzip: false });

  // (b) a digest deleted in the middle of its chain, a file of its hour edited and another forged
  c = take('deletedDigest');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  body = readDigest(d[k]!);
  S.deletedDigest!.paths = { digest: d[k]!, next: d[k + 1]!, edited: listedPath(trail, body) };
  S.deletedDigest!.paths.forged = logName(trail, c, at(body, 30), 'FORGEDINGAPxxxxx', '.json.gz');
  editLog(S.deletedDigest!.paths.edited!);
  forgeLog(S.deletedDigest!.paths.forged);
  unlinkSync(d[k]!);
  unlinkSync(`${d[k]}.sig`);

  // (c) + (d) the last digest loses its signature; it lists a forged file and a wrong hash for a good one
  c = take('unsignedLast', lastHasFiles);
  d = digestsOf(trail, c);
  body = readDigest(d.at(-1)!);
  S.unsignedLast!.paths = { digest: d.at(-1)!, untouched: listedPath(trail, body) };
  body.logFiles[0].hashValue = 'ab'.repeat(32);
  S.unsignedLast!.paths.forged = logName(trail, c, at(body, 15), 'FORGEDLASTxxxxxx', '.json.gz');
  body.logFiles.push(entryFor(body, S.unsignedLast!.paths.forged, forgeLog(S.unsignedLast!.paths.forged)));
  writeDigest(d.at(-1)!, body, null);

  // (c) the last digest re-signed with the attacker's own key, listing a forged file
  c = take('untrustedLast');
  d = digestsOf(trail, c);
  body = readDigest(d.at(-1)!);
  S.untrustedLast!.paths = { digest: d.at(-1)! };
  S.untrustedLast!.paths.forged = logName(trail, c, at(body, 15), 'FORGEDUNTRUSTEDx', '.json.gz');
  body.logFiles.push(entryFor(body, S.untrustedLast!.paths.forged, forgeLog(S.untrustedLast!.paths.forged)));
  const mallory = attackerSigner();
  body.digestPublicKeyFingerprint = mallory.fingerprint;
  writeDigest(d.at(-1)!, body, mallory);

  // (d) a middle digest rewritten to vouch for an edited file, signed with another key under the trusted fingerprint
  c = take('forgedSignature');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  body = readDigest(d[k]!);
  S.forgedSignature!.paths = { digest: d[k]!, next: d[k + 1]!, edited: listedPath(trail, body) };
  body.logFiles[0].hashValue = editLog(S.forgedSignature!.paths.edited!);
  writeDigest(d[k]!, body, mallory);

  // a digest body changed, its signature left alone
  c = take('modifiedDigest');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  body = readDigest(d[k]!);
  S.modifiedDigest!.paths = { digest: d[k]!, next: d[k + 1]!, listed: listedPath(trail, body) };
  body.newestEventTime = '2026-03-01T00:00:00Z';
  const original = readSig(d[k]!);
  writeDigest(d[k]!, body, null);
  writeFileSync(`${d[k]}.sig`, original);

  // an authentic digest (signed by the trusted key, chain re-linked) whose logFiles cannot be read
  c = take('malformed');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  S.malformed!.paths = { digest: d[k]!, listed: listedPath(trail, readDigest(d[k]!)), next: d[k + 1]! };
  rewriteChain(d, k, TRUSTED, (b, i) => {
    if (i === k) b.logFiles = [{ s3Object: 42 }, 'junk'];
  });

  c = take('deletedFile');
  d = digestsOf(trail, c);
  S.deletedFile!.paths.file = listedPath(trail, readDigest(d[middleWithFiles(d)]!));
  unlinkSync(S.deletedFile!.paths.file);

  // a whole chain re-signed with a key nobody trusts, one file edited and its new hash listed
  c = take('untrustedChain');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  S.untrustedChain!.paths.edited = listedPath(trail, readDigest(d[k]!));
  const newHash = editLog(S.untrustedChain!.paths.edited);
  rewriteChain(d, 0, mallory, (b, i) => {
    if (i === k) b.logFiles[0].hashValue = newHash;
  });

  // positive: a middle digest lost its signature; its successor still vouches for it
  c = take('unsignedMiddle');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  S.unsignedMiddle!.paths = { digest: d[k]!, listed: listedPath(trail, readDigest(d[k]!)) };
  unlinkSync(`${d[k]}.sig`);

  // positive: logging stopped for two hours and started again; the new chain starts with nulls
  c = take('restart', (_, ds) => {
    try {
      return middleWithFiles(ds, 4) > 0;
    } catch {
      return false;
    }
  });
  d = digestsOf(trail, c);
  k = middleWithFiles(d, 4);
  for (const gone of [d[k - 2]!, d[k - 1]!]) {
    for (const f of readDigest(gone).logFiles) unlinkSync(join(trail, f.s3Object));
    unlinkSync(gone);
    unlinkSync(`${gone}.sig`);
  }
  S.restart!.paths = { digest: d[k]!, listed: listedPath(trail, readDigest(d[k]!)) };
  rewriteChain(d, k, TRUSTED, (b, i) => {
    if (i !== k) return;
    b.previousDigestS3Bucket = null;
    b.previousDigestS3Object = null;
    b.previousDigestHashValue = null;
    b.previousDigestHashAlgorithm = null;
    b.previousDigestSignature = null;
  });

  // positive: a late file, left out of its hour's digest, arrives in a backfill digest for that hour
  c = take('backfill');
  d = digestsOf(trail, c);
  k = middleWithFiles(d);
  body = readDigest(d[k]!);
  const late = logName(trail, c, at(body, 40), 'LATEDELIVERYxxxx', '.json.gz');
  const lateHash = forgeLog(late);
  const backfill = d[k]!.replace(/\.json\.gz$/, '_backfill.json.gz');
  S.backfill!.paths = { late, backfill };
  writeDigest(
    backfill,
    {
      ...body,
      digestS3Object: keyOf(backfill),
      logFiles: [entryFor(body, late, lateHash)],
      previousDigestS3Bucket: body.digestS3Bucket,
      previousDigestS3Object: keyOf(d[k]!),
      previousDigestHashValue: sha256Of(d[k]!),
      previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: readSig(d[k]!),
    },
    TRUSTED,
  );

  // the last three digests of a chain deleted with every file they list: nothing is left to contradict
  c = take('truncated');
  d = digestsOf(trail, c);
  for (const gone of d.slice(-3)) {
    for (const f of readDigest(gone).logFiles) unlinkSync(join(trail, f.s3Object));
    unlinkSync(gone);
    unlinkSync(`${gone}.sig`);
  }
  S.truncated!.paths = { last: d.at(-4)! };

  return [odd.bare];
}

const readSig = (path: string) => readFileSync(`${path}.sig`, 'utf8');
const sha256Of = (path: string) =>
  createHash('sha256')
    .update(gunzipSync(readFileSync(path)))
    .digest('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'copytrail-verify-test-'));
  trail = simulateTrail();
  chains = chainsByActivity(trail);
  const all = readdirSync(trail, { recursive: true }) as string[];
  simulated = {
    logs: all.filter((f) => /\/CloudTrail\/.*\.json\.gz$/.test(f)).length,
    digests: all.filter((f) => /CloudTrail-Digest\/.*\.json\.gz$/.test(f)).length,
  };
  intact = await ingestAndVerify(join(work, 'intact.duckdb'), [trail]);
  // the same trail as read from its second day on, for the scope test
  const store = await Store.open({ path: join(work, 'partial.duckdb'), memoryLimit: '1GB' });
  try {
    const days = (readdirSync(trail, { recursive: true }) as string[]).filter((f) =>
      /CloudTrail(-Digest)?\/[a-z0-9-]+\/2026\/03\/0[23]$/.test(f),
    );
    await ingestDir(
      store,
      days.map((f) => join(trail, f)),
    );
  } finally {
    store.close();
  }
  const explicit = attack();
  attacked = await ingestAndVerify(join(work, 'attacked.duckdb'), [trail, ...explicit]);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(trail, { recursive: true, force: true });
});

const inChain = (f: Finding | string, c: ChainRef) => {
  const loc = typeof f === 'string' ? f : f.location;
  return (
    loc.includes(logFolderOf(c)) ||
    loc.includes(logFolderOf(c).replace('/CloudTrail/', '/CloudTrail-Digest/'))
  );
};
const findingsOf = (name: string) => attacked.report.findings.filter((f) => inChain(f, S[name]!.chain));
const file = (path: string) => attacked.files.get(path);
const digest = (path: string) => attacked.digests.get(path);
/** Every log file of a chain with the given status. */
const filesOf = (name: string) => [...attacked.files].filter(([loc]) => inChain(loc, S[name]!.chain));
const digestsOfChain = (name: string) =>
  [...attacked.digests].filter(([loc]) => inChain(loc, S[name]!.chain));

describe('verify: the intact trail', () => {
  it('proves every log file and digest, and says so', () => {
    const { logs, digests } = simulated;
    expect(intact.report.findings).toEqual([]);
    expect(intact.report.ok).toBe(true);
    expect(intact.report.logFiles).toEqual({ valid: logs, tampered: 0, unverified: 0 });
    expect(intact.report.digests).toEqual({ valid: digests, invalid: 0, unverified: 0, unreadable: 0 });
    expect([...intact.files.values()].every((v) => v.status === 'valid')).toBe(true);
    expect([...intact.digests.values()].every((v) => v.status === 'valid')).toBe(true);
    expect(intact.text).toMatch(
      /^VERIFIED: all \d+ log files and \d+ digests valid, every chain linked; no tampering found$/m,
    );
  });
});

describe('verify: attacks, each in its own chain', () => {
  it('names no chain that was left alone', () => {
    const strays = attacked.report.findings.filter(
      (f) => !Object.values(S).some((s) => inChain(f, s.chain)) && !f.location.includes('/loose/'),
    );
    expect(strays).toEqual([]);
    const untouched = chains.find((c) => !used.has(`${c.account}/${c.region}`))!;
    const files = [...attacked.files].filter(([loc]) => inChain(loc, untouched));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every(([, v]) => v.status === 'valid')).toBe(true);
    expect(attacked.report.ok).toBe(false);
  });

  it('a modified log file is tampered: its authentic digest lists another hash', () => {
    expect(file(S.modified!.paths.file!)).toEqual({
      status: 'tampered',
      reason: expect.stringMatching(
        /^SHA-256 differs from what \d{12}_CloudTrail-Digest_.* lists: modified$/,
      ),
    });
    expect(findingsOf('modified').map((f) => f.kind)).toEqual(['tampered']);
  });

  it('an inserted file is tampered: the authentic digests of its delivery time do not list it', () => {
    expect(file(S.inserted!.paths.file!)).toEqual({
      status: 'tampered',
      reason: expect.stringMatching(
        /^inserted: delivered 2026-03-0\dT\d\d:\d\dZ by its name, but not listed in /,
      ),
    });
    expect(findingsOf('inserted').map((f) => f.kind)).toEqual(['tampered']);
  });

  it('(a) a forged file is judged by its CloudTrail name whatever its suffix; other names are unverified', () => {
    const p = S.oddNames!.paths;
    for (const forged of [p.json!, p.ndjson!, p.cloudtrail!, p.bare!]) {
      expect(file(forged), forged).toEqual({
        status: 'tampered',
        reason: expect.stringMatching(/^inserted: /),
      });
    }
    expect(file(p.notes!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^name is not a CloudTrail log file name/),
    });
    expect(file(p.loose!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^not in a CloudTrail layout/),
    });
    // the crafted name is printed without its escape sequence
    expect(formatVerifyReport(attacked.report, 1000)).toContain('notes\\x1b[31m.json');
    expect(attacked.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('(b) a digest deleted mid-chain: named missing, its successor unlinked, its hour unverified, exit 1', () => {
    const p = S.deletedDigest!.paths;
    expect(findingsOf('deletedDigest')).toContainEqual({
      kind: 'chain',
      location: keyOf(p.digest!),
      reason: expect.stringMatching(/^missing: .* names it as its previous digest, but it was not ingested/),
    });
    expect(digest(p.next!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^chain broken: its previous digest .* was not ingested$/),
    });
    for (const f of [p.edited!, p.forged!]) {
      expect(file(f), f).toEqual({
        status: 'unverified',
        reason: expect.stringMatching(
          /^no ingested digest covers its delivery time .*: a digest of its chain is missing$/,
        ),
      });
    }
    expect(findingsOf('deletedDigest').filter((f) => f.kind === 'tampered')).toEqual([]);
  });

  it('(c)(d) an unsigned last digest proves nothing: neither the forged file it lists nor a hash it gets wrong', () => {
    const p = S.unsignedLast!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(
        /^unsigned: .*it is the last digest of its chain, so no successor can vouch for it$/,
      ),
    });
    for (const f of [p.forged!, p.untouched!]) {
      expect(file(f), f).toEqual({
        status: 'unverified',
        reason: expect.stringMatching(/^listed only in .*, which is unverified: unsigned/),
      });
    }
    expect(findingsOf('unsignedLast').filter((f) => f.kind === 'tampered')).toEqual([]);
  });

  it('(c) a last digest re-signed with an untrusted key proves nothing', () => {
    const p = S.untrustedLast!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^signed with key [0-9a-f]{32} is unknown: not among the trusted keys/),
    });
    expect(file(p.forged!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^listed only in .*, which is unverified: signed with key/),
    });
  });

  it('(d) a digest whose signature fails is invalid, and the file it vouches for is not valid', () => {
    const p = S.forgedSignature!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'invalid',
      reason: expect.stringMatching(
        /^its signature does not verify with trusted key [0-9a-f]{32}: modified or forged$/,
      ),
    });
    expect(file(p.edited!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^listed only in .*, which is invalid: its signature does not verify/),
    });
    expect(digest(p.next!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^chain broken: its previous digest .* is not the one it records/),
    });
    expect(findingsOf('forgedSignature').filter((f) => f.kind === 'tampered')).toEqual([]);
  });

  it('a modified digest body fails its signature; its files and successor are not valid', () => {
    const p = S.modifiedDigest!.paths;
    expect(digest(p.digest!)?.status).toBe('invalid');
    expect(digest(p.next!)?.status).toBe('unverified');
    expect(file(p.listed!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(/^listed only in .*, which is invalid/),
    });
  });

  it('an authentic digest with a malformed logFiles list is invalid; the files of its hour are unverified', () => {
    const p = S.malformed!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'invalid',
      reason: expect.stringMatching(/^authentic, but logFiles is malformed: 0\.s3Object: /),
    });
    expect(file(p.listed!)).toEqual({
      status: 'unverified',
      reason: expect.stringMatching(
        /^the digest for its delivery time, .*, is invalid: authentic, but logFiles is malformed/,
      ),
    });
    expect(digest(p.next!)?.status).toBe('valid');
  });

  it('a deleted file that a valid digest lists is reported missing-but-listed', () => {
    expect(findingsOf('deletedFile')).toEqual([
      {
        kind: 'listed_missing',
        location: keyOf(S.deletedFile!.paths.file!),
        reason: expect.stringMatching(/^listed in .*, but not ingested: deleted\?$/),
      },
    ]);
    expect(attacked.report.listedMissing).toBeGreaterThanOrEqual(1);
  });

  it('a chain re-signed with an untrusted key: every digest unverified, the edited file not valid and not provable', () => {
    const digests = digestsOfChain('untrustedChain');
    expect(digests.length).toBeGreaterThan(10);
    expect(
      digests.every(([, v]) => v.status === 'unverified' && /key [0-9a-f]{32} is unknown/.test(v.reason!)),
    ).toBe(true);
    expect(filesOf('untrustedChain').every(([, v]) => v.status === 'unverified')).toBe(true);
    expect(file(S.untrustedChain!.paths.edited!)?.status).toBe('unverified');
    expect(findingsOf('untrustedChain').filter((f) => f.kind === 'tampered')).toEqual([]);
  });

  it('an unsigned middle digest is valid through its signed successor, and says so', () => {
    const p = S.unsignedMiddle!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'valid',
      reason: expect.stringMatching(
        /^unsigned: .*; authenticated through its successor .*, which records its SHA-256 and signature$/,
      ),
    });
    expect(file(p.listed!)?.status).toBe('valid');
    expect(findingsOf('unsignedMiddle')).toEqual([]);
    expect(attacked.report.viaSuccessor).toBeGreaterThanOrEqual(1);
  });

  it('a chain restarted after logging stopped is not flagged', () => {
    const p = S.restart!.paths;
    expect(digest(p.digest!)).toEqual({
      status: 'valid',
      reason: 'the start of a chain (no previous digest)',
    });
    expect(file(p.listed!)?.status).toBe('valid');
    expect(findingsOf('restart')).toEqual([]);
  });

  it('a backfill digest for an hour that already has one vouches for the late file it lists', () => {
    const p = S.backfill!.paths;
    expect(digest(p.backfill!)?.status).toBe('valid');
    expect(file(p.late!)).toEqual({
      status: 'valid',
      reason: expect.stringMatching(/^listed in .*_backfill\.json\.gz$/),
    });
    expect(findingsOf('backfill')).toEqual([]);
  });

  it('a chain cut short, digests and files together, is a hole in the chain', () => {
    expect(findingsOf('truncated')).toEqual([
      {
        kind: 'chain',
        location: keyOf(S.truncated!.paths.last!),
        reason: expect.stringMatching(
          /^truncated: the last digest of its chain ends at .*later digests deleted\?$/,
        ),
      },
    ]);
  });

  it('prints counts per status, findings grouped and capped, and a verdict', () => {
    const r = attacked.report;
    expect(attacked.text).toContain(
      `log files: ${r.logFiles.valid} valid, ${r.logFiles.tampered} tampered, ${r.logFiles.unverified} unverified`,
    );
    expect(attacked.text).toMatch(/^tampered log files .* \(\d+\):$/m);
    expect(attacked.text).toMatch(/^unverified log files \(\d+\):$/m);
    expect(attacked.text).toMatch(/^ {2}… and \d+ more: copytrail query/m);
    expect(attacked.text).toMatch(
      /^TAMPERING FOUND: \d+ tampered log files, 1 listed log files not ingested/m,
    );
  });
});

describe('verify: scope', () => {
  it('a trail ingested from its second day links its first digests only when --since says where it starts', async () => {
    const store = await Store.open({ path: join(work, 'partial.duckdb') });
    try {
      const keys = loadPublicKeys(pem());
      const whole = await verifyStore(store, { keys });
      expect(whole.ok).toBe(false);
      expect(whole.findings.filter((f) => f.kind === 'chain').every((f) => /^missing: /.test(f.reason))).toBe(
        true,
      );
      expect(whole.digests.unverified).toBeGreaterThan(0);

      const since = Date.parse('2026-03-02T00:00:00Z');
      const r = await verifyStore(store, { keys, since });
      expect(r.findings).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.logFiles.valid).toBeGreaterThan(0);
      expect(formatVerifyReport(r)).toMatch(
        /^scope: {5}sources dir, s3; delivered 2026-03-02T00:00:00Z to any time$/m,
      );

      // a chain whose last three hours were never ingested, while its siblings go on: a hole alone fails verify
      const { rows } = await store.userQuery(
        "select d.file_id from digests d join ingested_files f using (file_id) where f.location like '%/351842270915/CloudTrail-Digest/ca-central-1/%' order by d.digest_end_time desc limit 3",
      );
      const ids = rows.map((x) => Number(x.file_id)).join(',');
      await store.userQuery(`delete from digests where file_id in (${ids})`);
      await store.userQuery(`delete from ingested_files where file_id in (${ids})`);
      const cut = await verifyStore(store, { keys, since });
      expect(cut.findings).toEqual([
        expect.objectContaining({ kind: 'chain', reason: expect.stringMatching(/^truncated: /) }),
      ]);
      expect(
        cut.logFiles.tampered + cut.logFiles.unverified + cut.digests.invalid + cut.digests.unverified,
      ).toBe(0);
      expect(cut.ok).toBe(false);

      // nothing from the dir source in an s3-only scope: nothing was proven
      const none = await verifyStore(store, { keys, sources: ['s3'] });
      expect(none.ok).toBe(false);
      expect(formatVerifyReport(none)).toMatch(/^NOT VERIFIED: no log files or digests/m);
    } finally {
      store.close();
    }
  });
});

describe('verify: the command', () => {
  const cli = (db: string) =>
    spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', '..', 'bin', 'copytrail.mjs'),
        '--db',
        db,
        'verify',
        '--public-keys',
        pem(),
      ],
      { encoding: 'utf8' },
    );

  it('exits 1 on the attacked trail, with counts per status', () => {
    const r = cli(join(work, 'attacked.duckdb'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^log files: \d+ valid, \d+ tampered, \d+ unverified$/m);
    expect(r.stdout).toMatch(/^digests: {3}\d+ valid, \d+ invalid, \d+ unverified/m);
    expect(r.stdout).toMatch(/^TAMPERING FOUND: /m);
    expect(r.stdout).not.toContain('\u001b');
  });

  it('exits 0 on the intact trail, an API page beside it counted apart and not failing it', async () => {
    const db = join(work, 'intact.duckdb');
    const store = await Store.open({ path: db });
    try {
      const loader = await BatchLoader.create(store, { source: 'lookup', eventCoverage: false });
      const page = JSON.stringify({
        eventID: '1f1f1f1f-0000-4000-8000-000000000001',
        eventTime: '2026-03-01T10:00:00Z',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeSnapshots',
      });
      await loader.add({
        location: 'lookup://351842270915/us-east-1/all/page-1',
        size: page.length,
        read: async () => Buffer.from(page),
      });
      await loader.finish();
    } finally {
      store.close();
    }
    const r = cli(db);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^API pages: 1 \(lookup, athena, lake\): not covered by digests/m);
    expect(r.stdout).toMatch(/^VERIFIED: /m);
  });
});
