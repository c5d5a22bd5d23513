import { describe, expect, it } from 'vitest';
import { registerClass } from '../../src/codec/index.js';
import { rt, rtSame } from './helpers/roundtrip.js';

describe('shared references and cycles', () => {
  it('a shared object stays one object', () => {
    const shared = { n: 1 };
    const out = rt({ a: shared, b: shared, list: [shared, shared] });
    expect(out.a).toBe(out.b);
    expect(out.list[0]).toBe(out.a);
    expect(out.list[1]).toBe(out.a);
    out.a.n = 2;
    expect(out.b.n).toBe(2);
  });

  it('equal but distinct objects stay distinct', () => {
    const out = rt({ a: { n: 1 }, b: { n: 1 } });
    expect(out.a).not.toBe(out.b);
    expect(out.a).toEqual(out.b);
  });

  it('self cycles in objects, arrays, Maps and Sets', () => {
    const o: Record<string, unknown> = { name: 'o' };
    o.self = o;
    const arr: unknown[] = [1];
    arr.push(arr);
    const m = new Map<unknown, unknown>();
    m.set(m, m);
    const s = new Set<unknown>();
    s.add(s);
    const out = rt({ o, arr, m, s });
    expect(out.o.self).toBe(out.o);
    expect(out.arr[1]).toBe(out.arr);
    expect(out.m.get(out.m)).toBe(out.m);
    expect(out.s.has(out.s)).toBe(true);
    rtSame({ o, arr, m, s });
  });

  it('a cycle through the root and a long ring', () => {
    type N = { i: number; next?: N };
    const nodes: N[] = Array.from({ length: 1000 }, (_, i) => ({ i }));
    nodes.forEach((n, i) => {
      n.next = nodes[(i + 1) % nodes.length]!;
    });
    const out = rt(nodes[0]!);
    let cur = out;
    for (let i = 0; i < 1000; i++) cur = cur.next!;
    expect(cur).toBe(out);
    rtSame(nodes);
  });

  it('shared Dates, RegExps, Buffers, Errors, boxed values, null-prototype objects keep identity', () => {
    const d = new Date(1);
    const re = /x/g;
    const b = Buffer.from('ab');
    const e = new Error('e');
    const n = new Number(3);
    const np = Object.create(null) as object;
    const out = rt([d, re, b, e, n, np, d, re, b, e, n, np]);
    for (let i = 0; i < 6; i++) expect(out[i]).toBe(out[i + 6]);
  });

  it('the root value itself appearing inside a Map key and a Set', () => {
    const root: { m?: Map<unknown, unknown>; s?: Set<unknown> } = {};
    root.m = new Map([[root, 'me']]);
    root.s = new Set([root]);
    const out = rt(root);
    expect(out.m!.get(out)).toBe('me');
    expect(out.s!.has(out)).toBe(true);
  });
});

describe('cycles through registered class instances', () => {
  class TreeNode {
    children: TreeNode[] = [];
    parent: TreeNode | null = null;
    constructor(public label: string) {}
    add(child: TreeNode): this {
      child.parent = this;
      this.children.push(child);
      return this;
    }
    path(): string {
      return this.parent ? `${this.parent.path()}/${this.label}` : this.label;
    }
  }
  registerClass(TreeNode, { name: 'test.cycles.TreeNode' });

  it('parent <-> child cycle keeps identity and class', () => {
    const root = new TreeNode('root');
    const kid = new TreeNode('kid');
    root.add(kid.add(new TreeNode('grandkid')));
    const out = rt(root);
    expect(out).toBeInstanceOf(TreeNode);
    expect(out.children[0]).toBeInstanceOf(TreeNode);
    expect(out.children[0]!.parent).toBe(out);
    const gk = out.children[0]!.children[0]!;
    expect(gk.parent).toBe(out.children[0]);
    expect(gk.path()).toBe('root/kid/grandkid');
  });

  it('a cycle entering at a plain object and passing through an instance', () => {
    const holder: { node?: TreeNode } = {};
    const n = new TreeNode('n') as TreeNode & { holder?: unknown };
    n.holder = holder;
    holder.node = n;
    const out = rt(holder);
    expect(out.node).toBeInstanceOf(TreeNode);
    expect((out.node as TreeNode & { holder?: unknown }).holder).toBe(out);
  });

  it('an instance that references itself directly', () => {
    const n = new TreeNode('self');
    n.parent = n;
    const out = rt([n, n]);
    expect(out[0]).toBe(out[1]);
    expect(out[0]!.parent).toBe(out[0]);
    expect(out[0]).toBeInstanceOf(TreeNode);
  });

  it('a registered instance used as a Map key stays the same key object', () => {
    const n = new TreeNode('key');
    const out = rt({ m: new Map([[n, 1]]), n });
    expect(out.m.get(out.n)).toBe(1);
  });
});

describe('cycles through instances with a custom toState/fromState', () => {
  class Peer {
    constructor(
      public name: string,
      public peer?: Peer,
    ) {}
  }
  registerClass(Peer, {
    name: 'test.cycles.Peer',
    toState: (p) => ({ name: p.name, peer: p.peer }),
    fromState: (s) => {
      const st = s as { name: string; peer?: Peer };
      return new Peer(st.name, st.peer);
    },
  });

  it('a <-> b both custom-state instances: class and identity kept', () => {
    const a = new Peer('a');
    const b = new Peer('b', a);
    a.peer = b;
    const out = rt({ a, b });
    expect(out.a).toBeInstanceOf(Peer);
    expect(out.b).toBeInstanceOf(Peer);
    expect(out.a.peer).toBe(out.b);
    expect(out.b.peer).toBe(out.a);
  });
});
