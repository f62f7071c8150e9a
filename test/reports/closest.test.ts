// The suggestions a forensics subject that matches nothing gets: near misses, nearest first, and
// nothing for a value unlike any known one.
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../reports/forensics/closest.ts';

const KNOWN = [
  'snap-0aaaaaaaaaaaaaaa1',
  'snap-0aaaaaaaaaaaaaaa2',
  'arn:aws:ec2:us-east-1::snapshot/snap-0bbbbbbbbbbbbbbb1',
  '111122223333',
  '444455556666',
];

describe('closest known subjects', () => {
  it('counts insertions, deletions and substitutions, ignoring case', () => {
    expect(editDistance('snap-abc', 'SNAP-ABC')).toBe(0);
    expect(editDistance('snap-abc', 'snap-abd')).toBe(1);
    expect(editDistance('snap-abc', 'snap-ab')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('a one-character typo names the id it missed first', () => {
    expect(closest('snap-0aaaaaaaaaaaaaaa3', KNOWN)[0]).toBe('snap-0aaaaaaaaaaaaaaa1');
    expect(closest('111122223334', KNOWN)).toEqual(['111122223333']);
  });

  it('a bare id finds the ARN that holds it', () => {
    expect(closest('snap-0bbbbbbbbbbbbbbb1', KNOWN)).toContain(
      'arn:aws:ec2:us-east-1::snapshot/snap-0bbbbbbbbbbbbbbb1',
    );
  });

  it('a value unlike every known one gets no suggestion', () => {
    expect(closest('vol-0123456789abcdef0', KNOWN)).toEqual([]);
    expect(closest('999988887777', KNOWN)).toEqual([]);
  });
});
