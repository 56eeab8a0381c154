import test from 'ava';
import { openDatabase } from '../persistence/database.ts';
import { loadSnapshots } from '../persistence/rehydrate.ts';
import { SnapshotWriter } from '../persistence/snapshotWriter.ts';

test('writes that arrive during a commit are grouped, and only the newest snapshot per ARN is kept', async (t) => {
  const db = await openDatabase(':memory:');
  t.teardown(() => db.close());
  const writer = new SnapshotWriter(db.connection);
  const writes = [writer.write('a', 'k', { n: 0 })];
  for (let n = 1; n <= 100; n++) writes.push(writer.write(n % 2 ? 'a' : 'b', 'k', { n }));
  await Promise.all(writes);
  t.is(writer.stats.commits, 2, 'the first write commits alone; the other 100 share the next commit');
  t.is(writer.stats.rows, 3);
  const stored = (await loadSnapshots(db.connection)).get('k')!;
  t.deepEqual(stored.map((s) => [s.arn, s.snapshot]), [['a', { n: 99 }], ['b', { n: 100 }]]);
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
