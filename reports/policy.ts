// Residency judgement shared by residency and forensics: is a region allowed by the policy, and is
// an account one of ours (ingested, trusted, a vault or an air-gapped vault owner)?
import { type Config, trustedAccounts } from '../core/config.ts';
import { regionInfo } from '../core/regions.ts';

export type Verdict = { allowed: boolean | null; why: string };

export class ResidencyPolicy {
  private readonly trusted: Set<string>;

  constructor(
    readonly config: Config,
    ownAccounts: Iterable<string>,
  ) {
    this.trusted = new Set([...trustedAccounts(config), ...ownAccounts]);
  }

  get configured(): boolean {
    const r = this.config.residency;
    return r.allowed_regions.length + r.allowed_jurisdictions.length + r.allowed_partitions.length > 0;
  }

  describe(): string {
    const r = this.config.residency;
    if (!this.configured) return 'No residency policy is configured: locations are listed, not judged.';
    const parts: string[] = [];
    if (r.allowed_partitions.length) parts.push(`partitions ${r.allowed_partitions.join(', ')}`);
    if (r.allowed_jurisdictions.length) parts.push(`jurisdictions ${r.allowed_jurisdictions.join(', ')}`);
    if (r.allowed_regions.length) parts.push(`regions ${r.allowed_regions.join(', ')}`);
    return `Data may reside in: ${parts.join('; ')}.`;
  }

  region(code: string | null | undefined): Verdict {
    if (!code) return { allowed: null, why: 'region not known from the ingested records' };
    const info = regionInfo(code);
    if (!info) return { allowed: null, why: `${code} is not in copytrail's region table` };
    if (!this.configured) return { allowed: null, why: 'no residency policy configured' };
    const r = this.config.residency;
    const where = `${code} (${info.name}; ${info.jurisdiction}, partition ${info.partition})`;
    if (r.allowed_partitions.length && !r.allowed_partitions.includes(info.partition)) {
      return { allowed: false, why: `${where} is outside the allowed partitions` };
    }
    const narrowed = r.allowed_regions.length + r.allowed_jurisdictions.length > 0;
    if (
      !narrowed ||
      r.allowed_regions.includes(code) ||
      r.allowed_jurisdictions.includes(info.jurisdiction)
    ) {
      return { allowed: true, why: `${where} is allowed` };
    }
    return { allowed: false, why: `${where} is outside the allowed jurisdictions and regions` };
  }

  /**
   * A share's recipient: an account judged as any other, except a logically air-gapped vault's share
   * to AWS Backup's own account, which correlate classed as such from the copy job AWS Backup made it
   * for (never from the recipient's id alone).
   */
  share(s: { to_account: string; recipient_class: string | null }): Verdict {
    if (s.recipient_class === 'aws_backup_airgap')
      return {
        allowed: true,
        why: `account ${s.to_account} is AWS Backup's, holding a logically air-gapped vault's recovery points`,
      };
    return this.account(s.to_account);
  }

  account(id: string | null | undefined): Verdict {
    if (!id) return { allowed: null, why: 'account not known' };
    if (id === 'all') return { allowed: false, why: 'shared publicly (all AWS accounts)' };
    // a RAM share with an organization or OU (queries/correlate/rebuild_ram_shares.sql): the records
    // do not say which accounts it holds, so it is neither trusted nor refused
    if (/^arn:[^:]+:organizations::/.test(id)) {
      return {
        allowed: null,
        why: `${id} is an organization or OU: its member accounts are not known from the records`,
      };
    }
    return this.trusted.has(id)
      ? { allowed: true, why: `account ${id} is trusted` }
      : { allowed: false, why: `account ${id} is outside the organization's ingested and trusted accounts` };
  }
}
