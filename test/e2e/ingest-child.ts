// Runs `ingest dir` in a process of its own and prints its summary, rejects and peak memory as JSON,
// so a test can measure what one ingest costs without the test runner's own memory in the number.
// usage: node --import tsx test/e2e/ingest-child.ts <max-file-bytes|default> <path>…
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';

const [cap, ...paths] = process.argv.slice(2);
const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
const summary = await ingestDir(store, paths, undefined, undefined, {
  maxFileBytes: cap === 'default' ? undefined : Number(cap),
});
const { rows } = await store.userQuery('select location, reason from rejects order by location');
store.close();
// resourceUsage reports kilobytes
process.stdout.write(
  JSON.stringify({ summary, rejects: rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
