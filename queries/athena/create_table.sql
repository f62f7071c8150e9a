-- Hive DDL for Athena: the documented CloudTrail table with partition projection, partitioned by
-- account, region and day so every query prunes to the folders it needs. One template serves the
-- account layout (LOCATION …/AWSLogs/) and the organization layout (…/AWSLogs/o-…/).
-- DDL takes no execution parameters, so its values are slots filled in the Hive dialect of
-- queries/sql-text.ts: {{table}} by quoteIdent (backticks), and {{location}}, {{template}},
-- {{accounts}}, {{regions}} and {{day_range}} by quoteLiteral, each checked against a strict pattern
-- first (the day range is the first projected day, then NOW).
CREATE EXTERNAL TABLE IF NOT EXISTS {{table}} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: map<string,string>>
    >
  >,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (account_id STRING, region STRING, log_date STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION {{location}}
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.account_id.type'='enum',
  'projection.account_id.values'={{accounts}},
  'projection.region.type'='enum',
  'projection.region.values'={{regions}},
  'projection.log_date.type'='date',
  'projection.log_date.format'='yyyy/MM/dd',
  'projection.log_date.interval'='1',
  'projection.log_date.interval.unit'='DAYS',
  'projection.log_date.range'={{day_range}},
  'storage.location.template'={{template}}
)
