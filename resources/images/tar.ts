// A minimal POSIX ustar writer: enough for OCI image layers and image-layout archives.
// Entries get a fixed mtime and root ownership so the same inputs always give the same
// bytes, hence the same layer digests (and a cache that actually hits).

export type TarEntry =
  | { type: 'file'; path: string; content: Buffer | string; mode?: number }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;
// 2000-01-01T00:00:00Z: any fixed time works; zero confuses some extractors.
const FIXED_MTIME = 946684800;

export function tar(entries: TarEntry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of entries) {
    const content =
      entry.type === 'file'
        ? Buffer.isBuffer(entry.content)
          ? entry.content
          : Buffer.from(entry.content)
        : Buffer.alloc(0);
    chunks.push(header(entry, content.length));
    if (content.length > 0) {
      chunks.push(content, Buffer.alloc(padding(content.length)));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2)); // end-of-archive marker
  return Buffer.concat(chunks);
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const [prefix, name] = splitPath(path);
  const defaultMode = entry.type === 'file' ? 0o644 : 0o755;
  const mode = entry.type === 'symlink' ? 0o777 : (entry.mode ?? defaultMode);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, FIXED_MTIME);
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  h.write(entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2', 156, 1, 'latin1');
  if (entry.type === 'symlink') {
    if (Buffer.byteLength(entry.target) > 100)
      throw new Error(`tar: symlink target too long: ${entry.target}`);
    h.write(entry.target, 157, 100, 'utf8');
  }
  h.write('ustar\u000000', 257, 8, 'latin1');
  h.write('root', 265, 32, 'latin1');
  h.write('root', 297, 32, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return h;
}

// ustar stores long paths as prefix (155 bytes) + '/' + name (100 bytes).
function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const trailingSlash = path.endsWith('/');
  const bare = trailingSlash ? path.slice(0, -1) : path;
  for (let i = bare.lastIndexOf('/'); i > 0; i = bare.lastIndexOf('/', i - 1)) {
    const prefix = bare.slice(0, i);
    const name = bare.slice(i + 1) + (trailingSlash ? '/' : '');
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function octal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
