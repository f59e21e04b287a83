// The cidr modifier: does an IP address (IPv4 or IPv6) fall inside a network? Addresses are parsed by hand into
// bytes (no regex); IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) also match IPv4 networks.

/** A parsed network: address bytes (4 or 16) and prefix length in bits. */
export interface CidrNetwork {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

function parseIpv4(text: string): Uint8Array | undefined {
  // One pass over the characters (no split, no per-part strings): the cidr test runs on every record of a
  // logon channel, and this was most of its cost.
  const out = new Uint8Array(4);
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part === 3) return undefined;
      out[part++] = value;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return undefined;
      value = value * 10 + (c - 0x30);
      if (value > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || part !== 3) return undefined;
  out[3] = value;
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length > 64) return undefined;
  let body = text;
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  let tail: Uint8Array | undefined;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    tail = parseIpv4(body.slice(lastColon + 1));
    if (!tail) return undefined;
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

/** Parses an IPv4 or IPv6 address (brackets and a zone id allowed); undefined when it is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  return t.includes(':') ? parseIpv6(t) : parseIpv4(t);
}

/** Parses `address/prefix` (a bare address means a single host); undefined when malformed. */
export function parseCidr(text: string): CidrNetwork | undefined {
  const slash = text.indexOf('/');
  const bytes = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : String(max);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { bytes, prefix };
}

function ipv4Mapped(bytes: Uint8Array): Uint8Array | undefined {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.subarray(12);
}

/** True when the address lies inside the network. */
export function cidrContains(network: CidrNetwork, address: Uint8Array): boolean {
  let addr = address;
  if (addr.length !== network.bytes.length) {
    if (network.bytes.length === 4 && addr.length === 16) {
      const mapped = ipv4Mapped(addr);
      if (!mapped) return false;
      addr = mapped;
    } else {
      return false;
    }
  }
  const full = network.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== network.bytes[i]) return false;
  const bits = network.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (addr[full]! & mask) === (network.bytes[full]! & mask);
}
