/**
 * A one-page PDF 1.4 written by hand (ISO 32000-1 §7.5: header, objects, cross-reference table,
 * trailer): lines of text in the standard Helvetica font, which every viewer has, so the file
 * embeds nothing. Offsets in the xref table are byte offsets, hence Buffers throughout.
 */

/** A line of text at a size, laid out top to bottom. */
export interface PdfLine {
  text: string;
  size?: number;
}

const PAGE_WIDTH = 612; // US Letter, in points
const PAGE_HEIGHT = 792;
const MARGIN = 56;

/** WinAnsiEncoding matches Latin-1 from 0xA0 up; these are the common characters it places elsewhere. */
const WIN_ANSI_EXTRAS: Record<string, number> = { '€': 0x80, '–': 0x96, '—': 0x97 };

function winAnsi(text: string): Buffer {
  const bytes = [...text].map((char) => {
    const extra = WIN_ANSI_EXTRAS[char];
    if (extra !== undefined) return extra;
    const code = char.codePointAt(0) ?? 0x3f;
    return code >= 0x20 && code <= 0xff && (code < 0x7f || code >= 0xa0) ? code : 0x3f;
  });
  return Buffer.from(bytes);
}

/** A PDF literal string: backslash, parentheses escaped. */
function literal(text: string): Buffer {
  const escaped = winAnsi(text)
    .toString('latin1')
    .replace(/[\\()]/g, (char) => `\\${char}`);
  return Buffer.concat([Buffer.from('('), Buffer.from(escaped, 'latin1'), Buffer.from(')')]);
}

function contentStream(lines: PdfLine[]): Buffer {
  const parts: Buffer[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  for (const { text, size = 11 } of lines) {
    y -= size * 1.6;
    parts.push(Buffer.from(`BT /F1 ${size} Tf ${MARGIN} ${y.toFixed(1)} Td `), literal(text), Buffer.from(' Tj ET\n'));
  }
  return Buffer.concat(parts);
}

export function renderPdf(title: string, lines: PdfLine[]): Buffer {
  const content = contentStream(lines);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        '/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    ),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('endstream')]),
    Buffer.concat([Buffer.from('<< /Title '), literal(title), Buffer.from(' /Producer (Stripe emulator) >>')]),
  ];
  // The binary comment line tells tools the file is binary (§7.5.2).
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = chunks[0]?.length ?? 0;
  const offsets = objects.map((body, index) => {
    const offset = length;
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(object);
    length += object.length;
    return offset;
  });
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f\r',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n\r`),
  ].join('\n');
  chunks.push(
    Buffer.from(
      `${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${length}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(chunks);
}
