// png.mjs - the smallest valid PNG we can build by hand (1x1 RGB pixel:
// signature, IHDR, a zlib IDAT, IEND, each chunk with its CRC-32), so the
// photo checks send a real image without shipping a binary fixture.  A
// padded variant reaches an exact size through a private ancillary chunk
// that decoders skip, so only its size can make a server refuse it.
import { deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf) {
  let c = 0xFFFFFFFF;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// A 1x1 PNG of colour RGB; when SIZE is given, exactly SIZE bytes long.
export function tinyPng({ rgb = [0xE0, 0x40, 0x20], size } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);   // width
  ihdr.writeUInt32BE(1, 4);   // height
  ihdr[8] = 8;                // bit depth
  ihdr[9] = 2;                // colour type: RGB
  // compression, filter, interlace: 0
  const idat = deflateSync(Buffer.from([0, ...rgb]));   // filter byte 0 + pixel
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat)];
  const base = parts.reduce((n, b) => n + b.length, 0) + 12;   // + IEND
  if (size !== undefined) {
    const pad = size - base - 12;
    if (pad < 0) throw new Error(`a PNG cannot be smaller than ${base + 12} bytes`);
    // okPd: ancillary, private, reserved bit clear, safe to copy.
    parts.push(chunk('okPd', Buffer.alloc(pad, 0x5A)));
  }
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
