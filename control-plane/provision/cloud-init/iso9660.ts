// A NoCloud seed image: an ISO 9660 file system labelled "cidata" holding `user-data`,
// `meta-data` (and optionally `network-config`). Plain ISO 9660 only has 8.3 upper-case
// names, so a Joliet supplementary volume descriptor carries the real names; Linux (and so
// cloud-init) reads Joliet names by default. Both directory trees share the file extents.
// Layout (2 KiB sectors): 0-15 system area, 16 primary descriptor, 17 Joliet descriptor,
// 18 terminator, 19-22 path tables (L/M primary, L/M Joliet), 23-24 root directories, then files.
// Reference: ECMA-119 (https://ecma-international.org/publications-and-standards/standards/ecma-119/)
// and the Joliet specification (UCS-2 names, escape sequence "%/E").

const SECTOR = 2048;
const PRIMARY_DESCRIPTOR = 16;
const JOLIET_DESCRIPTOR = 17;
const TERMINATOR = 18;
const PATH_TABLES = [19, 20, 21, 22] as const; // primary L, primary M, Joliet L, Joliet M
const PRIMARY_ROOT = 23;
const JOLIET_ROOT = 24;
const FIRST_FILE = 25;
const PATH_TABLE_SIZE = 10; // one record: the root

export interface IsoFile {
  name: string;
  content: string | Buffer;
}

export interface IsoOptions {
  volumeId: string;
  /** Fixed recording time, for reproducible images in tests. */
  date?: Date;
}

/** Builds the whole image in memory (seeds are a few KiB). */
export function isoImage(files: IsoFile[], options: IsoOptions): Buffer {
  if (files.length === 0) throw new Error('an ISO needs at least one file');
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const date = options.date ?? new Date();
  const extents: { file: IsoFile; data: Buffer; sector: number }[] = [];
  let next = FIRST_FILE;
  for (const file of sorted) {
    const data = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8');
    extents.push({ file, data, sector: next });
    next += Math.max(1, Math.ceil(data.length / SECTOR));
  }
  const totalSectors = next;
  const image = Buffer.alloc(totalSectors * SECTOR);
  const at = (sector: number) => image.subarray(sector * SECTOR, (sector + 1) * SECTOR);

  const primaryNames = shortNames(sorted.map((f) => f.name));
  const primaryEntries = extents
    .map((e, i) => ({ id: Buffer.from(primaryNames[i]!, 'ascii'), sector: e.sector, size: e.data.length }))
    .sort((a, b) => Buffer.compare(a.id, b.id));
  const jolietEntries = extents.map((e) => ({
    id: ucs2(e.file.name),
    sector: e.sector,
    size: e.data.length,
  }));

  writeDescriptor(at(PRIMARY_DESCRIPTOR), {
    type: 1,
    volumeId: options.volumeId,
    totalSectors,
    pathTableL: PATH_TABLES[0],
    pathTableM: PATH_TABLES[1],
    root: PRIMARY_ROOT,
    date,
    joliet: false,
  });
  writeDescriptor(at(JOLIET_DESCRIPTOR), {
    type: 2,
    volumeId: options.volumeId,
    totalSectors,
    pathTableL: PATH_TABLES[2],
    pathTableM: PATH_TABLES[3],
    root: JOLIET_ROOT,
    date,
    joliet: true,
  });
  const terminator = at(TERMINATOR);
  terminator[0] = 255;
  terminator.write('CD001', 1, 'ascii');
  terminator[6] = 1;

  writePathTable(at(PATH_TABLES[0]), PRIMARY_ROOT, 'L');
  writePathTable(at(PATH_TABLES[1]), PRIMARY_ROOT, 'M');
  writePathTable(at(PATH_TABLES[2]), JOLIET_ROOT, 'L');
  writePathTable(at(PATH_TABLES[3]), JOLIET_ROOT, 'M');

  writeDirectory(at(PRIMARY_ROOT), PRIMARY_ROOT, primaryEntries, date);
  writeDirectory(at(JOLIET_ROOT), JOLIET_ROOT, jolietEntries, date);
  for (const e of extents) e.data.copy(image, e.sector * SECTOR);
  return image;
}

interface DescriptorSpec {
  type: 1 | 2;
  volumeId: string;
  totalSectors: number;
  pathTableL: number;
  pathTableM: number;
  root: number;
  date: Date;
  joliet: boolean;
}

function writeDescriptor(sector: Buffer, d: DescriptorSpec): void {
  sector[0] = d.type;
  sector.write('CD001', 1, 'ascii');
  sector[6] = 1;
  const text = (offset: number, length: number, value: string) =>
    d.joliet
      ? writeUcs2Padded(sector, offset, length, value)
      : writeAsciiPadded(sector, offset, length, value);
  text(8, 32, ''); // system identifier
  text(40, 32, d.volumeId);
  bothEndian32(sector, 80, d.totalSectors);
  if (d.joliet) sector.write('%/E', 88, 'ascii'); // UCS-2 level 3
  bothEndian16(sector, 120, 1); // volume set size
  bothEndian16(sector, 124, 1); // volume sequence number
  bothEndian16(sector, 128, SECTOR);
  bothEndian32(sector, 132, PATH_TABLE_SIZE);
  sector.writeUInt32LE(d.pathTableL, 140);
  sector.writeUInt32BE(d.pathTableM, 148);
  directoryRecord(Buffer.from([0]), d.root, SECTOR, true, d.date).copy(sector, 156);
  text(190, 128, ''); // volume set
  text(318, 128, ''); // publisher
  text(446, 128, ''); // data preparer
  text(574, 128, 'FLOTILLA');
  text(702, 37, ''); // copyright, abstract, bibliographic file ids
  text(739, 37, '');
  text(776, 37, '');
  writeLongDate(sector, 813, d.date); // created
  writeLongDate(sector, 830, d.date); // modified
  writeLongDate(sector, 847, undefined); // expires: never
  writeLongDate(sector, 864, undefined); // effective: now
  sector[881] = 1; // file structure version
}

function writePathTable(sector: Buffer, rootSector: number, order: 'L' | 'M'): void {
  sector[0] = 1; // identifier length
  sector[1] = 0;
  if (order === 'L') {
    sector.writeUInt32LE(rootSector, 2);
    sector.writeUInt16LE(1, 6);
  } else {
    sector.writeUInt32BE(rootSector, 2);
    sector.writeUInt16BE(1, 6);
  }
  sector[8] = 0; // the root's identifier, then one pad byte
}

function writeDirectory(
  sector: Buffer,
  self: number,
  entries: { id: Buffer; sector: number; size: number }[],
  date: Date,
): void {
  const records = [
    directoryRecord(Buffer.from([0]), self, SECTOR, true, date), // "."
    directoryRecord(Buffer.from([1]), self, SECTOR, true, date), // ".." (the root is its own parent)
    ...entries.map((e) => directoryRecord(e.id, e.sector, e.size, false, date)),
  ];
  let offset = 0;
  for (const record of records) {
    if (offset + record.length > SECTOR) throw new Error('too many files for a one-sector directory');
    record.copy(sector, offset);
    offset += record.length;
  }
}

function directoryRecord(id: Buffer, extent: number, size: number, directory: boolean, date: Date): Buffer {
  const length = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const record = Buffer.alloc(length);
  record[0] = length;
  bothEndian32(record, 2, extent);
  bothEndian32(record, 10, size);
  record[18] = date.getUTCFullYear() - 1900;
  record[19] = date.getUTCMonth() + 1;
  record[20] = date.getUTCDate();
  record[21] = date.getUTCHours();
  record[22] = date.getUTCMinutes();
  record[23] = date.getUTCSeconds();
  record[24] = 0; // UTC
  record[25] = directory ? 2 : 0;
  bothEndian16(record, 28, 1);
  record[32] = id.length;
  id.copy(record, 33);
  return record;
}

/** ISO 9660 level 1 names (8.3, A-Z 0-9 _) with version ";1", kept unique. */
function shortNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const base = clean(dot > 0 ? name.slice(0, dot) : name).slice(0, 8) || '_';
    const ext = dot > 0 ? clean(name.slice(dot + 1)).slice(0, 3) : '';
    let candidate = base;
    for (let n = 1; used.has(`${candidate}.${ext}`); n++)
      candidate = base.slice(0, 8 - String(n).length) + String(n);
    used.add(`${candidate}.${ext}`);
    return `${candidate}.${ext};1`;
  });
}

function ucs2(value: string): Buffer {
  const le = Buffer.from(value, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

function writeAsciiPadded(buffer: Buffer, offset: number, length: number, value: string): void {
  buffer.fill(0x20, offset, offset + length);
  buffer.write(value.slice(0, length), offset, 'ascii');
}

function writeUcs2Padded(buffer: Buffer, offset: number, length: number, value: string): void {
  for (let i = offset; i + 1 < offset + length; i += 2) {
    buffer[i] = 0;
    buffer[i + 1] = 0x20;
  }
  ucs2(value.slice(0, Math.floor(length / 2))).copy(buffer, offset);
}

function bothEndian16(buffer: Buffer, offset: number, value: number): void {
  buffer.writeUInt16LE(value, offset);
  buffer.writeUInt16BE(value, offset + 2);
}

function bothEndian32(buffer: Buffer, offset: number, value: number): void {
  buffer.writeUInt32LE(value, offset);
  buffer.writeUInt32BE(value, offset + 4);
}

/** "YYYYMMDDHHMMSScc" plus a GMT offset byte; all zeros means "not specified". */
function writeLongDate(buffer: Buffer, offset: number, date: Date | undefined): void {
  if (!date) {
    buffer.write('0000000000000000', offset, 'ascii');
    buffer[offset + 16] = 0;
    return;
  }
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const text =
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds()) +
    p(Math.floor(date.getUTCMilliseconds() / 10));
  buffer.write(text, offset, 'ascii');
  buffer[offset + 16] = 0;
}
