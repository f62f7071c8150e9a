// Every AWS region copytrail knows, with the partition it belongs to and where its data sits.
// Residency is judged on `jurisdiction`: a member state of the EU is `EU`; the United Kingdom
// (eu-west-2) is `UK` and Switzerland (eu-central-2) is `CH` although both carry an `eu-` prefix.
// China, GovCloud, the European Sovereign Cloud and the isolated regions are separate partitions:
// nothing in the commercial partition can copy into them, and a copy seen there is its own trail.
import { z } from 'zod';

export const Region = z.object({
  code: z.string(),
  name: z.string(),
  partition: z.enum([
    'aws',
    'aws-cn',
    'aws-us-gov',
    'aws-eusc',
    'aws-iso',
    'aws-iso-b',
    'aws-iso-e',
    'aws-iso-f',
  ]),
  country: z.string().length(2), // ISO 3166-1 alpha-2
  jurisdiction: z.string(),
});
export type Region = z.infer<typeof Region>;

type Row = [
  code: string,
  name: string,
  partition: Region['partition'],
  country: string,
  jurisdiction: string,
];

const ROWS: Row[] = [
  ['us-east-1', 'US East (N. Virginia)', 'aws', 'US', 'US'],
  ['us-east-2', 'US East (Ohio)', 'aws', 'US', 'US'],
  ['us-west-1', 'US West (N. California)', 'aws', 'US', 'US'],
  ['us-west-2', 'US West (Oregon)', 'aws', 'US', 'US'],
  ['ca-central-1', 'Canada (Central)', 'aws', 'CA', 'CA'],
  ['ca-west-1', 'Canada West (Calgary)', 'aws', 'CA', 'CA'],
  ['mx-central-1', 'Mexico (Central)', 'aws', 'MX', 'MX'],
  ['sa-east-1', 'South America (São Paulo)', 'aws', 'BR', 'BR'],
  ['eu-central-1', 'Europe (Frankfurt)', 'aws', 'DE', 'EU'],
  ['eu-central-2', 'Europe (Zurich)', 'aws', 'CH', 'CH'],
  ['eu-west-1', 'Europe (Ireland)', 'aws', 'IE', 'EU'],
  ['eu-west-2', 'Europe (London)', 'aws', 'GB', 'UK'],
  ['eu-west-3', 'Europe (Paris)', 'aws', 'FR', 'EU'],
  ['eu-north-1', 'Europe (Stockholm)', 'aws', 'SE', 'EU'],
  ['eu-south-1', 'Europe (Milan)', 'aws', 'IT', 'EU'],
  ['eu-south-2', 'Europe (Spain)', 'aws', 'ES', 'EU'],
  ['af-south-1', 'Africa (Cape Town)', 'aws', 'ZA', 'ZA'],
  ['il-central-1', 'Israel (Tel Aviv)', 'aws', 'IL', 'IL'],
  ['me-south-1', 'Middle East (Bahrain)', 'aws', 'BH', 'BH'],
  ['me-central-1', 'Middle East (UAE)', 'aws', 'AE', 'AE'],
  ['ap-east-1', 'Asia Pacific (Hong Kong)', 'aws', 'HK', 'HK'],
  ['ap-east-2', 'Asia Pacific (Taipei)', 'aws', 'TW', 'TW'],
  ['ap-south-1', 'Asia Pacific (Mumbai)', 'aws', 'IN', 'IN'],
  ['ap-south-2', 'Asia Pacific (Hyderabad)', 'aws', 'IN', 'IN'],
  ['ap-southeast-1', 'Asia Pacific (Singapore)', 'aws', 'SG', 'SG'],
  ['ap-southeast-2', 'Asia Pacific (Sydney)', 'aws', 'AU', 'AU'],
  ['ap-southeast-3', 'Asia Pacific (Jakarta)', 'aws', 'ID', 'ID'],
  ['ap-southeast-4', 'Asia Pacific (Melbourne)', 'aws', 'AU', 'AU'],
  ['ap-southeast-5', 'Asia Pacific (Malaysia)', 'aws', 'MY', 'MY'],
  ['ap-southeast-6', 'Asia Pacific (New Zealand)', 'aws', 'NZ', 'NZ'],
  ['ap-southeast-7', 'Asia Pacific (Thailand)', 'aws', 'TH', 'TH'],
  ['ap-northeast-1', 'Asia Pacific (Tokyo)', 'aws', 'JP', 'JP'],
  ['ap-northeast-2', 'Asia Pacific (Seoul)', 'aws', 'KR', 'KR'],
  ['ap-northeast-3', 'Asia Pacific (Osaka)', 'aws', 'JP', 'JP'],
  ['cn-north-1', 'China (Beijing)', 'aws-cn', 'CN', 'CN'],
  ['cn-northwest-1', 'China (Ningxia)', 'aws-cn', 'CN', 'CN'],
  ['us-gov-west-1', 'AWS GovCloud (US-West)', 'aws-us-gov', 'US', 'US'],
  ['us-gov-east-1', 'AWS GovCloud (US-East)', 'aws-us-gov', 'US', 'US'],
  ['eusc-de-east-1', 'AWS European Sovereign Cloud (Brandenburg)', 'aws-eusc', 'DE', 'EU'],
  ['us-iso-east-1', 'US ISO East', 'aws-iso', 'US', 'US'],
  ['us-iso-west-1', 'US ISO West', 'aws-iso', 'US', 'US'],
  ['us-isob-east-1', 'US ISOB East (Ohio)', 'aws-iso-b', 'US', 'US'],
  ['us-isof-south-1', 'US ISOF South', 'aws-iso-f', 'US', 'US'],
  ['us-isof-east-1', 'US ISOF East', 'aws-iso-f', 'US', 'US'],
  ['eu-isoe-west-1', 'EU ISOE West', 'aws-iso-e', 'FR', 'EU'],
];

export const REGIONS: ReadonlyMap<string, Region> = new Map(
  ROWS.map(([code, name, partition, country, jurisdiction]) => [
    code,
    Region.parse({ code, name, partition, country, jurisdiction }),
  ]),
);

/** The region's row, or an explicit unknown: a region code missing here is reported, never assumed. */
export function regionInfo(code: string | null | undefined): Region | null {
  return code ? (REGIONS.get(code) ?? null) : null;
}

export const JURISDICTIONS = [...new Set(ROWS.map((r) => r[4]))].sort();
export const PARTITIONS = Region.shape.partition.options;
