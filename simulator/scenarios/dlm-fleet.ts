// A Data Lifecycle Manager policy's cross-region copy run (reference §2.7): its role snapshots a
// fleet of volumes and copies every snapshot to the DR region within two minutes, all under one
// destination key. Each copy leaves records that name its own snapshot or volume; the EBS snapshot
// service also reads the shared destination key with no encryption context at all, records that
// fit every copy of the run by key, region and time alone. Hours later an instance attaches one of
// the fleet's source volumes: the grant to its EC2 infrastructure session and that session's
// Decrypt carry the volume's context but belong to no copy.
import { ACCOUNTS, type Principal } from '../org.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

const SOURCE_REGION = 'us-east-1';
const DR_REGION = 'eu-west-1';
/** The whole run starts its copies within this long. */
const RUN_MS = 2 * MIN;
/** Context-free reads of the destination key during the run. */
const CONTEXT_FREE_READS = 6;

/**
 * DLM's default role in the dev account (a build fleet's volumes), so the run adds no resources to
 * the production DR requirements the demo's policy judges.
 */
function devDlmRole(s: Scene): Principal {
  return {
    ...s.p.dlmRole!,
    account: ACCOUNTS.dev,
    principalId: `AROA${s.rng.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  };
}

export function dlmFleet(s: Scene, day0: number, volumes: string[]): void {
  const p = devDlmRole(s);
  const acct = p.account.id;
  const srcKey = s.keys.cmk(SOURCE_REGION, acct);
  const destKey = s.keys.cmk(DR_REGION, acct, 'backup');
  const snapAt = day0 + 3 * HOUR + s.rng.int(0, 600) * 1000;
  const snaps = volumes.map((vol, i) =>
    s.ebs.createSnapshot(snapAt + i * 1000, p, SOURCE_REGION, vol, srcKey),
  );
  const copyAt = snapAt + 15 * MIN;
  snaps.forEach((snap, i) => {
    s.ebs.copySnapshot({
      at: copyAt + Math.floor((i * RUN_MS) / snaps.length),
      copier: p,
      source: snap,
      destRegion: DR_REGION,
      destKey,
    });
  });
  // the snapshot service's own use of the destination key while the run transfers: no context, so
  // nothing in them says which of the copies they served
  for (let i = 0; i < CONTEXT_FREE_READS; i++) {
    const decrypt = i % 2 === 0;
    s.emit(
      s.f.kmsCall({
        at: copyAt + 30_000 + i * 20_000,
        name: decrypt ? 'Decrypt' : 'GenerateDataKey',
        key: destKey,
        identity: s.f.serviceIdentity('ec2.amazonaws.com'),
        via: 'ec2.amazonaws.com',
        recipient: acct,
        params: decrypt
          ? { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }
          : { keyId: destKey.arn, keySpec: 'AES_256' },
      }),
    );
  }
  // hours later an instance attaches the first source volume (reference §5.2, the real records)
  const vol = volumes[0]!;
  const at = copyAt + 5 * HOUR + s.rng.int(0, 600) * 1000;
  const instance = s.f.instanceId();
  const requestId = s.f.uuid();
  const operator = s.p.devUser!;
  s.emit(
    s.f.apiCall({
      at,
      principal: operator,
      source: 'ec2.amazonaws.com',
      name: 'AttachVolume',
      region: SOURCE_REGION,
      requestId,
      readOnly: false,
      params: { volumeId: vol, instanceId: instance, device: '/dev/sdf' },
      response: {
        requestId,
        volumeId: vol,
        instanceId: instance,
        device: '/dev/sdf',
        status: 'attaching',
        attachTime: at,
      },
    }),
  );
  const infra = `arn:aws:sts::${acct}:assumed-role/aws:ec2-infrastructure/${instance}`;
  s.emit(
    s.f.kmsCall({
      at: at + 1000,
      name: 'CreateGrant',
      key: srcKey,
      identity: s.f.identity(operator, at, 'ec2-frontend-api.amazonaws.com'),
      via: 'ec2-frontend-api.amazonaws.com',
      recipient: acct,
      params: {
        constraints: { encryptionContextSubset: { 'aws:ebs:id': vol } },
        retiringPrincipal: `ec2.${SOURCE_REGION}.amazonaws.com`,
        operations: ['Decrypt'],
        keyId: srcKey.arn,
        granteePrincipal: infra,
      },
      response: { grantId: s.rng.hex(64), keyId: srcKey.arn },
      requestId,
      sharedEventId: s.f.uuid(),
    }),
  );
  s.emit(
    s.f.kmsCall({
      at: at + 2000,
      name: 'Decrypt',
      key: srcKey,
      identity: {
        type: 'AssumedRole',
        principalId: `${acct}:aws:ec2-infrastructure:${instance}`,
        arn: infra,
        accountId: acct,
        invokedBy: 'AWS Internal',
        inScopeOf: {
          issuerType: 'AWS::EC2::Instance',
          credentialsIssuedTo: `arn:aws:ec2:${SOURCE_REGION}:${acct}:instance/${instance}`,
        },
      },
      via: 'AWS Internal',
      recipient: acct,
      params: { encryptionContext: { 'aws:ebs:id': vol }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      requestId,
    }),
  );
}
