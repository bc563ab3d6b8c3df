import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import { markCharColumns, quoteIdent, restoreCharColumns } from './migration-adapter-factory.ts';

test('"char" columns come out of the adapter as Character, other columns untouched', () => {
  const pgResult = {
    fields: [
      { name: 'constraint_name', dataTypeID: 19 },
      { name: 'constraint_type', dataTypeID: 18 },
    ],
    rows: [['x_check', 'c']],
  };
  markCharColumns(pgResult);
  // the adapter maps text (25) to Text, and keeps the field names
  assert.equal(pgResult.fields[1]?.dataTypeID, 25);
  const fromAdapter = {
    columnNames: pgResult.fields.map((f) => f.name),
    columnTypes: [ColumnTypeEnum.Text, ColumnTypeEnum.Text],
    rows: pgResult.rows,
  };
  const restored = restoreCharColumns(fromAdapter);
  assert.deepEqual(restored.columnNames, ['constraint_name', 'constraint_type']);
  assert.deepEqual(restored.columnTypes, [ColumnTypeEnum.Text, ColumnTypeEnum.Character]);
  assert.deepEqual(restored.rows, [['x_check', 'c']]);
});

test('multi-statement results (arrays) are handled, non-results pass through', () => {
  const results = [{ fields: [{ name: 'relkind', dataTypeID: 18 }] }, { fields: [] }];
  markCharColumns(results);
  assert.equal(results[0]?.fields[0]?.dataTypeID, 25);
  assert.equal(markCharColumns(undefined), undefined);
});

test('quoteIdent doubles embedded quotes', () => {
  assert.equal(quoteIdent('prisma_migrate_shadow_db_1'), '"prisma_migrate_shadow_db_1"');
  assert.equal(quoteIdent('a"b'), '"a""b"');
});
