import { describe, expect, it } from 'vitest';
import { WorkflowEngine, type WorkflowDefinition } from '../../../src/index.js';

const N = 10_000;

/** source → N − 2 maps → collector; with `cycle`, the last map feeds the first one too. */
function chain(cycle: boolean): WorkflowDefinition {
  const nodes = [{ id: 'n0', type: 'source.sequential' }, ...Array.from({ length: N - 2 }, (_, i) => ({ id: `n${i + 1}`, type: 'transform.map' })), { id: `n${N - 1}`, type: 'sink.collector' }];
  const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, sourcePort: 'out', target: n.id, targetPort: 'in' }));
  if (cycle) edges.push({ source: `n${N - 2}`, sourcePort: 'out', target: 'n1', targetPort: 'in' });
  return { nodes, edges };
}

describe('validate: iterative, whatever the depth', () => {
  it(`a ${N}-node chain validates without a stack overflow`, () => {
    expect(new WorkflowEngine().validate(chain(false))).toEqual([]);
  });

  it(`a ${N}-node cycle is found and named, without a stack overflow`, () => {
    const problems = new WorkflowEngine().validate(chain(true));
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p).toMatchObject({ code: 'CYCLE', path: 'edges', nodeId: 'n1' });
    // n1 → n2 → … → n9998 → n1: every node of the cycle named once, the first again at the end.
    expect(p!.message).toContain(`n${N - 2} → n1:`);
    expect(p!.message.split(' → ')).toHaveLength(N - 1);
  });

  it(`a ${N}-node fan-out validates (the adjacency list grows by push, not a copy per edge)`, () => {
    const nodes = [{ id: 'src', type: 'source.sequential' }, ...Array.from({ length: N }, (_, i) => ({ id: `c${i}`, type: 'sink.collector' }))];
    const edges = nodes.slice(1).map((n) => ({ source: 'src', sourcePort: 'out', target: n.id, targetPort: 'in' }));
    expect(new WorkflowEngine().validate({ nodes, edges })).toEqual([]);
  });

  it('a cycle reached through a shared node is reported once, with its path', () => {
    const t = (id: string) => ({ id, type: 'transform.map' });
    const e = (source: string, target: string) => ({ source, sourcePort: 'out', target, targetPort: 'in' });
    const problems = new WorkflowEngine().validate({ nodes: [{ id: 's', type: 'source.sequential' }, t('a'), t('b'), t('c')], edges: [e('s', 'a'), e('s', 'b'), e('a', 'c'), e('b', 'c'), e('c', 'b')] });
    expect(problems.map((p) => p.code)).toEqual(['CYCLE']);
    expect(problems[0]!.message).toContain('cycle c → b → c:');
  });
});

describe('validate: hostile edge ends are problems, not crashes', () => {
  it('a null-prototype object, a BigInt or a symbol as an edge end is reported as INVALID_DEFINITION', () => {
    const nodes = [{ id: 's', type: 'source.sequential' }, { id: 'c', type: 'sink.collector' }];
    for (const bad of [Object.create(null), 10n, Symbol('x')]) {
      const problems = new WorkflowEngine().validate({ nodes, edges: [{ source: bad, sourcePort: 'out', target: 'c', targetPort: 'in' }] } as never);
      expect(problems.map((p) => p.code)).toEqual(['INVALID_DEFINITION']);
    }
  });
});
