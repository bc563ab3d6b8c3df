/**
 * A tiny builder for nginx configuration text: a node is a directive line, a comment or a block.
 * Rendering indents by two spaces, so every target's text is formatted the same way.
 */
export type Node = string | Block | Comment | Node[];

export interface Block {
  kind: 'block';
  head: string;
  body: Node[];
}

export interface Comment {
  kind: 'comment';
  text: string;
}

export const block = (head: string, ...body: Node[]): Block => ({ kind: 'block', head, body });
export const comment = (text: string): Comment => ({ kind: 'comment', text });

/** Quotes an nginx string argument (values are validated first; this is the last guard). */
export function quote(value: string): string {
  if (/["\n]/.test(value) || /\\$/.test(value))
    throw new Error(`cannot quote ${JSON.stringify(value)} for nginx`);
  return `"${value}"`;
}

/** Escapes text for use inside an nginx (PCRE) regex. */
export function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function renderNodes(nodes: Node[], depth = 0): string {
  const pad = '  '.repeat(depth);
  let out = '';
  for (const node of nodes) {
    if (Array.isArray(node)) out += renderNodes(node, depth);
    else if (typeof node === 'string') out += node === '' ? '\n' : `${pad}${node}\n`;
    else if (node.kind === 'comment') {
      for (const line of node.text.split('\n')) out += `${pad}# ${line}\n`;
    } else out += `${pad}${node.head} {\n${renderNodes(node.body, depth + 1)}${pad}}\n`;
  }
  return out;
}
