/**
 * A CSV reader for the sweep tests, written from RFC 4180 independently of the sweep's CSV writer
 * (src/estimate/sweep), so that the tests read points.csv the way any spreadsheet would: the records of a CSV text,
 * each split into fields (quoted fields may hold `,`, `"` and line ends).
 */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cur = '';
  let quoted = false;
  const endField = () => {
    record.push(cur);
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      records.push(record);
      record = [];
    } else cur += c;
  }
  if (cur !== '' || record.length) {
    endField();
    records.push(record);
  }
  return records;
}
