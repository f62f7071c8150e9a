// readSource: one reader for `ingest <type>` and the scheduler. Athena is mocked at the SDK boundary
// (an injected client); dir reads real files into a real in-memory DuckDB store.
import assert from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { ScheduleSource, specOf } from '../../core/config.ts';
import { parseRange } from '../../core/time.ts';
import { parseIngestArgs } from '../../ingest/command.ts';
import { readSource, SourceReadError } from '../../ingest/read-source.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';

const COLUMNS = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid'];

/** An Athena client whose query succeeds with one CopySnapshot row, whatever it was asked. */
function athenaWithOneRow(): { client: AthenaClient; mock: ReturnType<typeof mockClient> } {
  const client = new AthenaClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const row = [
    'b8e4d2f1-0000-4000-8000-000000000001',
    '2026-03-02T10:00:00Z',
    'ec2.amazonaws.com',
    'CopySnapshot',
    'eu-west-1',
    '111122223333',
  ];
  mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  mock.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      Rows: [
        { Data: COLUMNS.map((c) => ({ VarCharValue: c })) },
        { Data: row.map((v) => ({ VarCharValue: v })) },
      ],
      ResultSetMetadata: { ColumnInfo: COLUMNS.map((c) => ({ Name: c, Type: 'varchar' })) },
    },
  });
  return { client, mock };
}

describe('readSource', () => {
  it('reads a schedule source and the same `ingest athena` flags as the same Athena query', async () => {
    const range = parseRange('2026-03-01', '2026-03-03');
    const fromConfig = specOf(
      ScheduleSource.parse({
        type: 'athena',
        database: 'cloudtrail',
        table: 'org_trail',
        workgroup: 'audit',
        accounts: ['111122223333'],
        regions: ['eu-west-1'],
        extra_events: ['ConsoleLogin'],
      }),
    );
    const fromFlags = parseIngestArgs('athena', [
      '--database',
      'cloudtrail',
      '--table',
      'org_trail',
      '--workgroup',
      'audit',
      '--accounts',
      '111122223333',
      '--regions',
      'eu-west-1',
      '--extra-events',
      'ConsoleLogin',
      '--since',
      '2026-03-01',
      '--until',
      '2026-03-03',
    ]);
    expect(fromFlags.range).toEqual(range);
    const asked = [];
    for (const spec of [fromConfig, fromFlags.spec]) {
      const { client, mock } = athenaWithOneRow();
      const destroyed = vi.spyOn(client, 'destroy');
      const store = await memoryStore();
      const read = await readSource(store, spec, { range, clients: { athena: client } });
      assert(read.type === 'athena', read.type);
      expect(read.result.rows).toBe(1);
      expect([read.interrupted, read.incomplete]).toEqual([false, null]);
      expect(await count(store, 'events', "event_name = 'CopySnapshot'")).toBe(1);
      asked.push(mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input));
      // an injected client is the caller's: the read leaves it open
      expect(destroyed).not.toHaveBeenCalled();
    }
    expect(asked[0]).toHaveLength(1);
    expect(asked[1]).toEqual(asked[0]);
    // the filter went into the query as parameters, from either spelling
    expect(asked[0]![0]!.WorkGroup).toBe('audit');
    expect(asked[0]![0]!.ExecutionParameters).toEqual(
      expect.arrayContaining(["'111122223333'", "'eu-west-1'", "'ConsoleLogin'"]),
    );
  });

  it('refuses a windowed source without a window, before any call', async () => {
    const { client, mock } = athenaWithOneRow();
    const store = await memoryStore();
    const spec = specOf(ScheduleSource.parse({ type: 'athena', database: 'cloudtrail', table: 'org_trail' }));
    await expect(readSource(store, spec, { clients: { athena: client } })).rejects.toThrow(SourceReadError);
    expect(mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('reads a dir source from its spec, with the command line maxFileBytes honoured', async () => {
    const dir = tempDir();
    const record = (id: string) => ({
      eventVersion: '1.11',
      eventID: id,
      eventTime: '2026-03-02T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CopySnapshot',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
    });
    writeFileSync(join(dir, 'small.json'), JSON.stringify({ Records: [record('e-small')] }));
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({ Records: [{ ...record('e-big'), userAgent: 'x'.repeat(4096) }] }),
    );
    const { spec, flags } = parseIngestArgs('dir', ['--max-file-size', '2KiB', dir]);
    const store = await memoryStore();
    const read = await readSource(store, spec, { maxFileBytes: flags.max_file_size });
    expect(read.type).toBe('dir');
    expect([read.result.loaded, read.result.rejectedFiles]).toEqual([1, 1]);
    expect(await count(store, 'events')).toBe(1);
    expect(await count(store, 'rejects', "reason like 'too large%'")).toBe(1);
  });
});
