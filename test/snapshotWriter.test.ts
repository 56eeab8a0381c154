import test from 'ava';
import { openDatabase } from '../persistence/database.ts';
import { loadSnapshots } from '../persistence/rehydrate.ts';
import { SnapshotWriter } from '../persistence/snapshotWriter.ts';

test('writes enqueued together share one commit, keeping only the newest snapshot per ARN', async (t) => {
  const db = await openDatabase(':memory:');
  t.teardown(() => db.close());
  const writer = new SnapshotWriter(db.connection);
  const writes = [];
  for (let n = 0; n <= 100; n++) writes.push(writer.write(n % 2 ? 'a' : 'b', 'k', { n }));
  await Promise.all(writes);
  t.is(writer.stats.commits, 1);
  t.is(writer.stats.rows, 2);
  const stored = (await loadSnapshots(db.connection)).get('k')!;
  t.deepEqual(stored.map((s) => [s.arn, s.snapshot]), [['a', { n: 99 }], ['b', { n: 100 }]]);
});

test('writes that arrive while a commit runs are grouped into the next one', async (t) => {
  const db = await openDatabase(':memory:');
  t.teardown(() => db.close());
  const writer = new SnapshotWriter(db.connection);
  const first = writer.write('first', 'k', {});
  await new Promise((r) => setImmediate(r)); // the first commit is under way now
  const later = Array.from({ length: 50 }, (_, i) => writer.write(`later-${i}`, 'k', {}));
  await Promise.all([first, ...later]);
  t.is(writer.stats.commits, 2);
  t.is(writer.stats.rows, 51);
});

test('remove deletes a stored snapshot', async (t) => {
  const db = await openDatabase(':memory:');
  t.teardown(() => db.close());
  const writer = new SnapshotWriter(db.connection);
  await writer.write('x', 'k', {});
  await writer.remove('x');
  t.is((await loadSnapshots(db.connection)).get('k'), undefined);
});

test('a failed commit rejects its writers, and the next write retries what failed', async (t) => {
  const db = await openDatabase(':memory:');
  t.teardown(() => db.close());
  const errors: unknown[] = [];
  const writer = new SnapshotWriter(db.connection, (err) => errors.push(err));
  await db.connection.run('ALTER TABLE snapshots RENAME TO gone');
  await t.throwsAsync(writer.write('a', 'k', { v: 1 }));
  t.is(errors.length, 1);
  await db.connection.run('ALTER TABLE gone RENAME TO snapshots');
  await writer.write('b', 'k', { v: 2 });
  const stored = (await loadSnapshots(db.connection)).get('k')!;
  t.deepEqual(stored.map((s) => s.arn), ['a', 'b']);
});
