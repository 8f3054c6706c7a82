import yazl from 'yazl';

/**
 * Builds zip archives in memory for tests. yazl refuses unsafe names ("../x", "/x"), which is
 * exactly what the importer must be tested against, so such names are written under a
 * placeholder of the same length and then patched into the finished bytes (the name appears in
 * the local header and in the central directory; no checksum covers it).
 */

export interface ZipEntrySpec {
  name: string;
  data: Buffer | string;
  /** Store without compression. */
  store?: boolean;
}

function placeholderFor(name: string, index: number): string {
  const base = `Q${index.toString(36)}`.padEnd(name.length, 'q');
  return base.slice(0, name.length);
}

function isUnsafe(name: string): boolean {
  return name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..');
}

export async function makeZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: [string, string][] = [];

  entries.forEach((entry, index) => {
    let name = entry.name;
    if (isUnsafe(name)) {
      const placeholder = placeholderFor(name, index);
      patches.push([placeholder, name]);
      name = placeholder;
    }
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
    zip.addBuffer(data, name, { compress: !entry.store });
  });
  zip.end();

  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);

  for (const [placeholder, real] of patches) {
    const from = Buffer.from(placeholder);
    const to = Buffer.from(real);
    let at = bytes.indexOf(from);
    while (at !== -1) {
      to.copy(bytes, at);
      at = bytes.indexOf(from, at + to.length);
    }
  }
  return bytes;
}

/**
 * Makes the central directory understate an entry's uncompressed size, as a crafted zip bomb
 * would, so that only counting the bytes actually inflated can catch it.
 */
export function understateSize(zip: Buffer, entryName: string, declaredBytes: number): Buffer {
  const copy = Buffer.from(zip);
  const name = Buffer.from(entryName);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = copy.indexOf(signature); at !== -1; at = copy.indexOf(signature, at + 4)) {
    const nameLength = copy.readUInt16LE(at + 28);
    if (copy.subarray(at + 46, at + 46 + nameLength).equals(name)) {
      copy.writeUInt32LE(declaredBytes, at + 24);
      return copy;
    }
  }
  throw new Error(`No central directory entry named ${entryName}.`);
}
