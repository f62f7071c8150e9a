// The shapes of AWS identifiers copytrail checks before it uses one: in a flag, a config key, an
// S3 key, a query literal. One pattern each, anchored at both ends.

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/** A region code such as us-east-1, eu-central-2 or us-gov-west-1. */
export const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** An AWS Organizations id: o- and 10 to 32 lower-case letters or digits. */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** A CloudTrail event name: letters and digits, starting with a letter. */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;

/** A CloudTrail Lake event data store ARN; group 1 is its id. */
export const EVENT_DATA_STORE_ARN =
  /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/([A-Za-z0-9][A-Za-z0-9-]{0,63})$/;
