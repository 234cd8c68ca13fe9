// Every relative link of the README and docs/*.md must reach an existing file, and its #anchor
// an existing heading (GitHub's slugs), so moving a section cannot leave a dead link behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** The text outside fenced code blocks: a link-like string in code is not a link. */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets of a page, inline `[text](target)` and images alike. */
function links(md: string): string[] {
  return [...prose(md).replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('anchors', () => {
  it('follows GitHub slugs, including code spans and repeated headings', () => {
    expect([...anchors('# Widgets: `@nodeflow/runtime/widgets`\n## Sending: offer, send\n## Node\n## Node\n')]).toEqual([
      'widgets-nodeflowruntimewidgets',
      'sending-offer-send',
      'node',
      'node-1',
    ]);
  });
  it('ignores headings inside code blocks', () => {
    expect([...anchors('```bash\n# not a heading\n```\n## Real\n')]).toEqual(['real']);
  });
});

it('the README links to every page under docs/', () => {
  const linked = new Set(links(readFileSync(path.join(root, 'README.md'), 'utf8')).map((t) => t.split('#')[0]));
  const unreachable = pages.filter((p) => p.startsWith('docs/') && p !== 'docs/state-charts.md' && !linked.has(p));
  expect(unreachable).toEqual([]);
});

for (const page of pages) {
  const md = readFileSync(path.join(root, page), 'utf8');
  const targets = links(md);
  if (targets.length === 0) continue;
  describe(`${page} links`, () => {
    it.each(targets)('%s resolves', (target) => {
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const resolved = file ? path.resolve(path.dirname(path.join(root, page)), decodeURI(file)) : path.join(root, page);
      expect(existsSync(resolved), `${page}: ${target} names a missing file`).toBe(true);
      if (anchor !== undefined) {
        expect(resolved.endsWith('.md'), `${page}: ${target} has an anchor into a non-Markdown file`).toBe(true);
        expect([...anchors(readFileSync(resolved, 'utf8'))], `${page}: ${target} names a missing heading`).toContain(anchor);
      }
    });
  });
}

// The benchmark figures the pages link to are JSON a reader can load (npm's banner once made
// two of them invalid).
it.each(readdirSync(path.join(root, 'docs', 'benchmarks')).filter((f) => f.endsWith('.json')))('docs/benchmarks/%s is valid JSON', (f) => {
  expect(() => JSON.parse(readFileSync(path.join(root, 'docs', 'benchmarks', f), 'utf8'))).not.toThrow();
});
