import { describe, expect, it } from 'vitest';
import { toCsv, type CsvColumn } from './csv';

interface Row {
  name: string;
  status: number;
  note: string | null;
}
const columns: CsvColumn<Row>[] = [
  { header: 'Name', value: (r) => r.name },
  { header: 'Status', value: (r) => r.status },
  { header: 'Note', value: (r) => r.note },
];

describe('toCsv', () => {
  it('writes a header and one CRLF-ended line per row', () => {
    expect(toCsv(columns, [{ name: 'Pets', status: 200, note: null }])).toBe(
      'Name,Status,Note\r\nPets,200,\r\n',
    );
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(toCsv(columns, [{ name: 'a,b', status: 500, note: 'say "hi"\nagain' }])).toBe(
      'Name,Status,Note\r\n"a,b",500,"say ""hi""\nagain"\r\n',
    );
  });

  it('keeps a spreadsheet from reading a text as a formula', () => {
    expect(toCsv(columns, [{ name: '=HYPERLINK("x")', status: 401, note: '-1' }])).toBe(
      `Name,Status,Note\r\n"'=HYPERLINK(""x"")",401,'-1\r\n`,
    );
  });
});
