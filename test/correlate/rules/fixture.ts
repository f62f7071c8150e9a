// A rule's named scenarios, beside it in <rule id>.fixtures.ts: CloudTrail records that must link
// (positive) or must not (negative), and every copy and evidence link the correlator must make of
// them. test/correlate/rule-fixtures.test.ts runs each on a real store, for every registered rule.
// The builders below write records in the shapes of reference §1–§5, with ids the scenario names.
import { z } from 'zod';

type Rec = Record<string, unknown>;

const CopyExpected = z
  .object({
    /** The copy's id: the event id of its request (or of the service event it was seen through). */
    copy_id: z.string(),
    api: z.string(),
    kind: z.string(),
  })
  .catchall(z.unknown());

const Link = z.object({
  copy_id: z.string(),
  event_id: z.string(),
  side: z.enum(['source', 'target']),
  match: z.string(),
});

const Scenario = z.object({
  name: z.string().min(1),
  records: z.array(z.record(z.string(), z.unknown())).min(1),
  /** Every copy the records make, with the columns that matter to the scenario. */
  copies: z.array(CopyExpected),
  /** Every evidence link the records make. */
  evidence: z.array(Link),
});

export const RuleFixtures = z.object({
  /**
   * Records that must link: each makes a copy of the rule's API, with at least one evidence link when
   * the rule reads KMS records (rule-fixtures.test.ts holds this per rule: a rule that declares no
   * KMS evidence has edges with none, or with only their service events).
   */
  positive: z.array(Scenario).min(1),
  /** Records that must not: `unlinked` names events that are neither evidence nor a copy. */
  negative: z.array(Scenario.extend({ unlinked: z.array(z.string()).min(1) })).min(1),
});
export type RuleFixtures = z.input<typeof RuleFixtures>;

export const A1 = '111122223333';
export const A2 = '444455556666';
export const keyArn = (region: string, account: string, id: string) =>
  `arn:aws:kms:${region}:${account}:key/${id}`;

/** A person's role session in the account. */
export const operator = (account: string, role = 'Operator') => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/${role}/op`,
  accountId: account,
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account },
  },
});

/** An API call: the copy call itself, or a call that tells the correlator about a source. */
export function call(o: {
  id: string;
  at: string;
  source: string;
  name: string;
  region: string;
  account: string;
  rp: Rec;
  re?: Rec | null;
  requestId?: string;
  error?: string;
  identity?: Rec;
}): Rec {
  return {
    eventVersion: '1.11',
    eventID: o.id,
    eventTime: o.at,
    eventSource: o.source,
    eventName: o.name,
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: o.identity ?? operator(o.account),
    requestID: o.requestId ?? `req-${o.id}`,
    requestParameters: o.rp,
    responseElements: o.error ? null : (o.re ?? null),
    ...(o.error ? { errorCode: o.error, errorMessage: 'refused' } : {}),
  };
}

/** A KMS record a service made: encryption context, a grant's constraints, or a ReEncrypt's two contexts. */
export function kms(o: {
  id: string;
  at: string;
  name: string;
  region: string;
  account: string;
  key: string;
  ctx?: Record<string, string>;
  grantCtx?: Record<string, string>;
  requestId?: string;
  sharedEventId?: string;
  invokedBy?: string;
}): Rec {
  const params: Rec = { keyId: o.key };
  if (o.ctx) params.encryptionContext = o.ctx;
  if (o.grantCtx) params.constraints = { encryptionContextSubset: o.grantCtx };
  return {
    eventVersion: '1.11',
    eventID: o.id,
    eventTime: o.at,
    eventSource: 'kms.amazonaws.com',
    eventName: o.name,
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: { type: 'AWSService', invokedBy: o.invokedBy ?? 'ec2.amazonaws.com' },
    requestParameters: params,
    responseElements: null,
    requestID: o.requestId ?? `req-${o.id}`,
    ...(o.sharedEventId ? { sharedEventID: o.sharedEventId } : {}),
    resources: [{ accountId: o.key.split(':')[4], type: 'AWS::KMS::Key', ARN: o.key }],
  };
}

/** An event a service writes on its own (reference §2.4, §4.2): no request, details instead. */
export function serviceEvent(o: {
  id: string;
  at: string;
  source: string;
  name: string;
  region: string;
  account: string;
  actor: string;
  details: Rec;
}): Rec {
  return {
    eventVersion: '1.08',
    eventID: o.id,
    eventTime: o.at,
    eventSource: o.source,
    eventName: o.name,
    eventType: 'AwsServiceEvent',
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: { accountId: o.actor, invokedBy: o.source },
    requestParameters: null,
    responseElements: null,
    serviceEventDetails: o.details,
  };
}
