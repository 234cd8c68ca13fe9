import { describe, expect, it } from 'vitest';
import { machineToGraph, toMermaid } from '../../src/inspect/index.js';
import { connectionMachine, engineMachine, nodeMachine, widgetMachine } from '../../src/index.js';
import { kitchenSink } from './support.js';

const mid = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');

describe('toMermaid', () => {
  it.each([connectionMachine, engineMachine, nodeMachine, widgetMachine, kitchenSink])('$id: every state declared, every targeted transition an edge, the rest noted', (machine) => {
    const text = toMermaid(machine);
    const lines = text.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    const g = machineToGraph(machine);
    for (const s of g.states.filter((s) => s.parent !== null)) expect(lines.some((l) => l.trim().startsWith(`state "${s.key}" as ${mid(s.id)}`))).toBe(true);
    const edges = lines.filter((l) => / --> /.test(l) && !l.includes('[*]'));
    expect(edges).toHaveLength(g.transitions.reduce((n, t) => n + t.targets.length, 0));
    const stays = lines.filter((l) => l.endsWith('(stays)'));
    expect(stays).toHaveLength(g.transitions.filter((t) => t.targets.length === 0).length);
    // Braces balance: every composite block is closed.
    expect(text.split('{').length).toBe(text.split('}').length);
  });

  it('writes the connection machine as expected', () => {
    const text = toMermaid(connectionMachine);
    expect(text).toContain('  [*] --> connection_flowing\n');
    expect(text).toContain('  connection__any --> connection_circuitOpen : breaker.open / recordOpen\n');
    expect(text).toContain('  connection_settled --> connection_backpressured : always [isPressured]\n');
    expect(text).toContain('  connection_circuitOpen --> connection_halfOpen : after resetTimeout\n');
    expect(text).toContain('  connection_closed --> [*]\n');
    expect(text).toContain('  connection_halfOpen : after halfOpenTimeout / probeTimedOut (stays)\n');
  });

  it('nests composite and parallel states', () => {
    const text = toMermaid(kitchenSink);
    expect(text).toMatch(/state "busy" as sink_busy \{\n[\s\S]*state "work" as sink_busy_work \{\n[\s\S]*\n {4}--\n[\s\S]*state "light" as sink_busy_light \{/);
    expect(text).toContain('    sink_busy__any : entry / count\n');
    expect(text).toContain('sink_busy__any --> sink_busy_light_on : toggle');
    expect(text).toContain('sink_busy --> sink_done : stop');
  });
});
