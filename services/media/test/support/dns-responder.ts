import { createSocket, type Socket } from 'node:dgram';

/**
 * A tiny authoritative DNS server over UDP for the ownership tests: answers A and TXT questions from
 * a table the test fills, NXDOMAIN for names it does not know. Just enough of RFC 1035 for Node's
 * resolver (one question, uncompressed names, a pointer to the question in each answer).
 */
export interface DnsResponder {
  /** `127.0.0.1:port`, for `Resolver.setServers`. */
  server: string;
  a: Map<string, string>;
  txt: Map<string, string[]>;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_TXT = 16;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (at < message.length && message[at] !== 0) {
    const length = message[at]!;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

function answer(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4); // IN
  fixed.writeUInt32BE(5, 6); // TTL
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

function respond(query: Buffer, table: Pick<DnsResponder, 'a' | 'txt'>): Buffer {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const answers: Buffer[] = [];
  const known = table.a.has(name) || table.txt.has(name);
  if (type === TYPE_A && table.a.has(name)) {
    answers.push(answer(TYPE_A, Buffer.from(table.a.get(name)!.split('.').map(Number))));
  }
  if (type === TYPE_TXT) {
    for (const text of table.txt.get(name) ?? []) {
      const bytes = Buffer.from(text, 'utf8');
      answers.push(answer(TYPE_TXT, Buffer.concat([Buffer.from([bytes.length]), bytes])));
    }
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8580 | (known ? 0 : 3), 2); // response, authoritative, RD, RA; NXDOMAIN if unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsResponder(): Promise<DnsResponder> {
  const socket: Socket = createSocket('udp4');
  const table = { a: new Map<string, string>(), txt: new Map<string, string[]>() };
  socket.on('message', (query, peer) => {
    try {
      socket.send(respond(query, table), peer.port, peer.address);
    } catch {
      // a malformed query gets no answer
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    ...table,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
