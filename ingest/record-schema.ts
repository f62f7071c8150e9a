// The lenient CloudTrail record contract of DESIGN §3: a record needs eventID, eventTime,
// eventSource and eventName; everything else is optional and unknown fields pass through.
// queries/ingest/stage_records.sql applies the same rule in SQL; a test holds the two together.
import { z } from 'zod';

const Json = z.unknown().optional();

export const UserIdentity = z
  .object({
    type: z.string().optional(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    invokedBy: z.string().optional(),
    sessionContext: z
      .object({
        sessionIssuer: z.object({ arn: z.string().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type UserIdentity = z.infer<typeof UserIdentity>;

/** eventTime as CloudTrail writes it: ISO-8601 UTC, e.g. 2026-03-02T10:00:05Z. */
const EventTime = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'eventTime is not a timestamp',
  });

export const CloudTrailRecord = z
  .object({
    eventID: z.string().min(1),
    eventTime: EventTime,
    eventSource: z.string().min(1),
    eventName: z.string().min(1),
    eventVersion: z.string().nullish(),
    eventType: z.string().nullish(),
    awsRegion: z.string().nullish(),
    recipientAccountId: z.string().nullish(),
    userIdentity: UserIdentity.nullish(),
    requestParameters: Json,
    responseElements: Json,
    requestID: z.string().nullish(),
    sharedEventID: z.string().nullish(),
    errorCode: z.string().nullish(),
    resources: z.array(z.object({ ARN: z.string().optional() }).passthrough()).nullish(),
  })
  .passthrough();
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;
