/**
 * Slot sheets for hospitals without an interface: CSV (UTF-8, or GB18030 as
 * Chinese spreadsheet programs save it) or XLSX, one slot per row, headers in
 * Chinese or English. Turns each row into the fields the publish path checks
 * and remembers its line, so every refusal names the line of the file.
 *
 *   类型 kind | 日期 date | 时段 period | 开始时间 start_time | 科室 department |
 *   医生 doctor | 号序 number | 费用 fee (yuan) | 绿色号源 green
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { RowProblem } from '../../protocol/slots';

export interface SheetRows {
  /** Rows that could be read, as publish fields, with their line in the file. */
  rows: Array<{ line: number; fields: Record<string, unknown> }>;
  /** Rows that could not be read (bad amounts, unknown words); they are not published. */
  problems: RowProblem[];
}

type Field =
  | 'kind'
  | 'date'
  | 'period'
  | 'startTime'
  | 'departmentId'
  | 'doctorId'
  | 'number'
  | 'fee'
  | 'feeCents'
  | 'green';

const HEADERS: Record<string, Field> = {
  kind: 'kind',
  类型: 'kind',
  号源类型: 'kind',
  date: 'date',
  日期: 'date',
  period: 'period',
  时段: 'period',
  start_time: 'startTime',
  starttime: 'startTime',
  'start time': 'startTime',
  开始时间: 'startTime',
  时间: 'startTime',
  department: 'departmentId',
  department_id: 'departmentId',
  departmentid: 'departmentId',
  科室: 'departmentId',
  doctor: 'doctorId',
  doctor_id: 'doctorId',
  doctorid: 'doctorId',
  医生: 'doctorId',
  number: 'number',
  no: 'number',
  号序: 'number',
  序号: 'number',
  床号: 'number',
  fee: 'fee',
  fee_yuan: 'fee',
  费用: 'fee',
  挂号费: 'fee',
  fee_cents: 'feeCents',
  feecents: 'feeCents',
  green: 'green',
  绿色号源: 'green',
  绿色: 'green',
};

const WORDS: Partial<Record<Field, Record<string, string>>> = {
  kind: { 门诊: 'outpatient', 床位: 'bed', 住院: 'bed', 急诊: 'emergency', 虚拟: 'virtual' },
  period: { 上午: 'am', 下午: 'pm', 夜间: 'night', 晚上: 'night', 全天: 'day' },
};
const YES = new Set(['是', 'yes', 'y', 'true', '1']);
const NO = new Set(['否', 'no', 'n', 'false', '0']);

/** Pure: one row of text cells (by header) into publish fields, or the row's problems. */
export function fieldsOfCells(
  cells: Record<string, string>,
):
  | { ok: true; fields: Record<string, unknown> }
  | { ok: false; problems: Array<{ field: string; reason: string }> } {
  const fields: Record<string, unknown> = {};
  const problems: Array<{ field: string; reason: string }> = [];
  for (const [header, raw] of Object.entries(cells)) {
    const field = HEADERS[header.trim().toLowerCase()];
    const value = raw.trim();
    if (!field || value === '') continue;
    switch (field) {
      case 'kind':
      case 'period':
        fields[field] = WORDS[field]?.[value] ?? value.toLowerCase();
        break;
      case 'date': {
        const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value);
        fields.date = m ? `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}` : value;
        break;
      }
      case 'startTime': {
        const m = /^(\d{1,2})[:：](\d{2})$/.exec(value);
        fields.startTime = m ? `${m[1]?.padStart(2, '0')}:${m[2]}` : value;
        break;
      }
      case 'fee':
        if (/^\d+(\.\d{1,2})?$/.test(value)) fields.feeCents = Math.round(Number(value) * 100);
        else problems.push({ field: 'fee', reason: `fee "${value}" is not an amount in yuan (e.g. 12.50)` });
        break;
      case 'number':
      case 'feeCents':
        fields[field] = /^\d+$/.test(value) ? Number(value) : value;
        break;
      case 'green': {
        const word = value.toLowerCase();
        if (YES.has(word)) fields.green = true;
        else if (NO.has(word)) fields.green = false;
        else problems.push({ field: 'green', reason: `green "${value}" is not 是/否 (yes/no)` });
        break;
      }
      default:
        fields[field] = value;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, fields };
}

/** Headers the sheet must name (department and doctor may be names or ids). */
const REQUIRED: Field[] = ['kind', 'date', 'period', 'departmentId'];

function collect(header: string[], records: Array<{ line: number; cells: string[] }>): SheetRows {
  const known = new Set(header.map((h) => HEADERS[h.trim().toLowerCase()]).filter(Boolean));
  const missing = REQUIRED.filter((field) => !known.has(field));
  if (missing.length > 0) {
    return {
      rows: [],
      problems: [{ row: 1, reason: `the header row lacks columns for: ${missing.join(', ')}` }],
    };
  }
  const result: SheetRows = { rows: [], problems: [] };
  for (const record of records) {
    if (record.cells.every((cell) => cell.trim() === '')) continue;
    const cells = Object.fromEntries(header.map((h, i) => [h, record.cells[i] ?? '']));
    const read = fieldsOfCells(cells);
    if (read.ok) result.rows.push({ line: record.line, fields: read.fields });
    else for (const problem of read.problems) result.problems.push({ row: record.line, ...problem });
  }
  return result;
}

/** CSV text: UTF-8 (with or without BOM) or GB18030. */
export function decodeCsv(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}

export function readCsv(text: string): SheetRows {
  const records = parse(text, {
    relax_column_count: true,
    skip_empty_lines: false,
    info: true,
  }) as unknown as Array<{
    record: string[];
    info: { lines: number };
  }>;
  const [head, ...body] = records;
  if (!head) return { rows: [], problems: [{ row: 1, reason: 'the file is empty' }] };
  return collect(
    head.record,
    body.map((r) => ({ line: r.info.lines, cells: r.record })),
  );
}

function cellText(value: ExcelJS.CellValue, field: Field | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Excel stores wall-clock values; exceljs hands them over as UTC.
    return field === 'startTime' ? value.toISOString().slice(11, 16) : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number') {
    if (field === 'startTime' && value >= 0 && value < 1) {
      const minutes = Math.round(value * 24 * 60);
      return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    }
    return String(value);
  }
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue, field);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

export async function readXlsx(bytes: Uint8Array): Promise<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { rows: [], problems: [{ row: 1, reason: 'the workbook has no sheet' }] };
  const width = sheet.columnCount;
  const header: string[] = [];
  for (let c = 1; c <= width; c += 1) header.push(cellText(sheet.getRow(1).getCell(c).value, undefined));
  const fields = header.map((h) => HEADERS[h.trim().toLowerCase()]);
  const records: Array<{ line: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells: string[] = [];
    for (let c = 1; c <= width; c += 1) cells.push(cellText(row.getCell(c).value, fields[c - 1]));
    records.push({ line, cells });
  });
  return collect(header, records);
}

/** Reads a .csv or .xlsx slot sheet. */
export async function readSlotSheet(path: string): Promise<SheetRows> {
  const bytes = new Uint8Array(await readFile(path));
  const extension = extname(path).toLowerCase();
  if (extension === '.xlsx') return readXlsx(bytes);
  if (extension === '.csv' || extension === '.txt') return readCsv(decodeCsv(bytes));
  throw new Error(`${path}: a slot sheet is a .csv or .xlsx file`);
}
