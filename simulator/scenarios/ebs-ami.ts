// Same-account EBS and AMI copies to the DR regions: a nightly snapshot copied on and copied again
// (a chain), a copy under a multi-Region key, and a golden AMI copied to another region.
import { HOUR, MIN, type Scene } from './scene.ts';

/** Nightly DR: snapshot a volume, copy it to the DR region, then copy that copy again (a chain). */
export function ebsNightlyDr(s: Scene, day0: number, vol: string): void {
  const p = s.p.drOperator!;
  const srcKey = s.keys.cmk('us-east-1', p.account.id);
  const at = day0 + 2 * HOUR + s.rng.int(0, 600) * 1000;
  const snap = s.ebs.createSnapshot(at, p, 'us-east-1', vol, srcKey);
  const copy = s.ebs.copySnapshot({
    at: at + 4 * MIN,
    copier: p,
    source: snap,
    destRegion: 'us-west-2',
    destKey: s.keys.cmk('us-west-2', p.account.id),
    keyRef: s.rng.pick(['arn', 'alias', 'id'] as const),
  });
  if (copy) {
    s.ebs.copySnapshot({
      at: at + 3 * HOUR + s.rng.int(0, 900) * 1000,
      copier: p,
      source: copy,
      destRegion: 'ca-central-1',
      destKey: s.keys.cmk('ca-central-1', p.account.id),
    });
  }
}

/** Copy under a multi-Region key: mrk primary in us-east-1, replica in eu-west-1. */
export function mrkCopy(s: Scene, day0: number, vol: string): void {
  const p = s.p.dataDr!;
  const at = day0 + 5 * HOUR + s.rng.int(0, 1800) * 1000;
  const snap = s.ebs.createSnapshot(at, p, 'us-east-1', vol, s.keys.mrk('us-east-1', p.account.id));
  s.ebs.copySnapshot({
    at: at + 6 * MIN,
    copier: p,
    source: snap,
    destRegion: 'eu-west-1',
    destKey: s.keys.mrk('eu-west-1', p.account.id),
  });
}

/** AMI copy: CreateImage, then CopyImage to another region; KMS names the new backing snapshot. */
export function amiCopy(s: Scene, day0: number): void {
  const p = s.p.amiPipeline!;
  const acct = p.account.id;
  const at = day0 + 9 * HOUR + s.rng.int(0, 3600) * 1000;
  const ami = s.f.amiId();
  const instance = s.f.instanceId();
  const requestId = s.f.uuid();
  s.emit(
    s.f.apiCall({
      at,
      principal: p,
      source: 'ec2.amazonaws.com',
      name: 'CreateImage',
      region: 'us-east-1',
      requestId,
      readOnly: false,
      params: {
        instanceId: instance,
        name: `golden-${new Date(day0).toISOString().slice(0, 10)}`,
        noReboot: true,
      },
      response: { requestId, imageId: ami },
    }),
  );
  const destKey = s.keys.cmk('eu-central-1', acct);
  const newAmi = s.f.amiId();
  const copyReq = s.f.uuid();
  const copyAt = at + 30 * MIN;
  s.emit(
    s.f.apiCall({
      at: copyAt,
      principal: p,
      source: 'ec2.amazonaws.com',
      name: 'CopyImage',
      region: 'eu-central-1',
      requestId: copyReq,
      readOnly: false,
      params: {
        sourceRegion: 'us-east-1',
        sourceImageId: ami,
        name: `golden-${new Date(day0).toISOString().slice(0, 10)}-eu`,
        description: `copy of ${ami}`,
        encrypted: true,
        kmsKeyId: destKey.arn,
        clientToken: s.f.uuid(),
        copyImageTags: true,
      },
      response: { requestId: copyReq, imageId: newAmi },
    }),
  );
  // one internal snapshot copy per backing snapshot: its KMS context is the new snapshot's id
  s.emit(
    s.f.kmsCall({
      at: copyAt + s.rng.int(5, 40) * 1000,
      name: 'GenerateDataKeyWithoutPlaintext',
      key: destKey,
      identity: s.f.serviceIdentity('ec2-frontend-api.amazonaws.com'),
      via: 'ec2-frontend-api.amazonaws.com',
      recipient: acct,
      params: {
        encryptionContext: { 'aws:ebs:id': s.f.snapId() },
        numberOfBytes: 64,
        keyId: destKey.arn,
      },
    }),
  );
}
