/** HTML escaping for the portal pages: every interpolated value goes through `h`. */
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function h(value: string | number): string {
  return String(value).replace(/[&<>"'`]/g, (char) => HTML_ENTITIES[char]!);
}

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${h(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}.feed{padding:.75rem;border:1px solid #ccc;border-radius:6px;margin:.5rem 0;word-break:break-all}
form.inline{display:inline-block;margin-right:.5rem}button{font:inherit;padding:.4rem .9rem;cursor:pointer}
.note{color:#555}.warn{color:#8a4b00}</style></head>
<body>${body}</body></html>
`;
}
