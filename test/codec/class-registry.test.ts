import { describe, expect, it } from 'vitest';
import { deserialize, registerClass, registerFunction, serialize } from '../../src/codec/index.js';
import { expectThrowsCode } from './helpers/errors.js';
import { rt } from './helpers/roundtrip.js';

describe('registerClass', () => {
  it('restores the prototype with the default state (own enumerable fields)', () => {
    class Point {
      constructor(
        public x = 0,
        public y = 0,
      ) {}
      get norm(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    registerClass(Point, { name: 'test.reg.Point' });
    const out = rt({ p: new Point(3, 4), list: [new Point(-0, 1n as unknown as number)] });
    expect(out.p).toBeInstanceOf(Point);
    expect(out.p.norm).toBe(5);
    expect(Object.keys(out.p)).toEqual(['x', 'y']);
    expect(Object.is(out.list[0]!.x, -0)).toBe(true);
    expect(out.list[0]!.y).toBe(1n);
  });

  it('the default name is ctor.name', () => {
    class DefaultNamedThing {
      v = 1;
    }
    registerClass(DefaultNamedThing);
    expect(rt(new DefaultNamedThing())).toBeInstanceOf(DefaultNamedThing);
  });

  it('loading does not run the constructor with the default fromState', () => {
    let constructed = 0;
    class Counted {
      a = 1;
      constructor() {
        constructed++;
      }
    }
    registerClass(Counted, { name: 'test.reg.Counted' });
    const bytes = serialize(new Counted());
    expect(constructed).toBe(1);
    const out = deserialize<Counted>(bytes);
    expect(constructed).toBe(1);
    expect(out).toBeInstanceOf(Counted);
    expect(out.a).toBe(1);
  });

  it('toState / fromState are used (the __getstate__/__setstate__ pair)', () => {
    class Secretive {
      #secret: string;
      cache = new Map<string, number>();
      constructor(secret: string) {
        this.#secret = secret;
      }
      reveal(): string {
        return this.#secret;
      }
    }
    const seen: unknown[] = [];
    registerClass(Secretive, {
      name: 'test.reg.Secretive',
      toState: (o) => ({ s: o.reveal(), when: new Date(5) }),
      fromState: (state) => {
        seen.push(state);
        return new Secretive((state as { s: string }).s);
      },
    });
    const out = rt({ a: new Secretive('hush') });
    expect(out.a).toBeInstanceOf(Secretive);
    expect(out.a.reveal()).toBe('hush');
    expect(out.a.cache.size).toBe(0);
    expect(seen).toHaveLength(1);
    expect((seen[0] as { when: Date }).when).toBeInstanceOf(Date);
  });

  it('a custom-state instance shared twice is rebuilt once and keeps identity', () => {
    class Shared {
      constructor(public id: number) {}
    }
    let rebuilt = 0;
    registerClass(Shared, {
      name: 'test.reg.Shared',
      toState: (o) => o.id,
      fromState: (s) => {
        rebuilt++;
        return new Shared(s as number);
      },
    });
    const s = new Shared(7);
    const out = rt<[Shared, { s: Shared }, Shared]>([s, { s }, s]);
    expect(out[0]).toBe(out[2]);
    expect(out[1].s).toBe(out[0]);
    expect(rebuilt).toBe(1);
  });

  it('subclasses need their own registration (not silently stored as the parent)', () => {
    class Base {
      b = 1;
    }
    class Derived extends Base {
      d = 2;
    }
    registerClass(Base, { name: 'test.reg.Base' });
    expect(rt(new Base())).toBeInstanceOf(Base);
    const err = expectThrowsCode(() => serialize({ x: new Derived() }), 'ERR_UNSERIALIZABLE');
    expect(err.message).toContain('$.x');
    registerClass(Derived, { name: 'test.reg.Derived' });
    const out = rt(new Derived());
    expect(Object.getPrototypeOf(out)).toBe(Derived.prototype);
  });

  it('duplicate names are ERR_REGISTRY, also for the same class twice', () => {
    class A {}
    class B {}
    registerClass(A, { name: 'test.reg.dup' });
    expectThrowsCode(() => registerClass(B, { name: 'test.reg.dup' }), 'ERR_REGISTRY');
    expectThrowsCode(() => registerClass(A, { name: 'test.reg.dup' }), 'ERR_REGISTRY');
    // the first registration still works
    expect(rt(new A())).toBeInstanceOf(A);
  });

  it('a class whose state holds a "__proto__" key rebuilds it as an own property', () => {
    class Bag {}
    registerClass(Bag, { name: 'test.reg.Bag' });
    const bag = new Bag();
    Object.defineProperty(bag, '__proto__', {
      value: { evil: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const out = rt(bag);
    expect(Object.getPrototypeOf(out)).toBe(Bag.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ evil: true });
    expect(({} as { evil?: unknown }).evil).toBeUndefined();
  });
});

describe('registerFunction', () => {
  it('functions travel by name and come back as the very same function', () => {
    function double(x: number): number {
      return x * 2;
    }
    const triple = (x: number): number => x * 3;
    registerFunction(double);
    registerFunction(triple, 'test.fn.triple');
    const out = rt({ ops: [double, triple, double] });
    expect(out.ops[0]).toBe(double);
    expect(out.ops[1]).toBe(triple);
    expect(out.ops[2]).toBe(double);
    expect(out.ops[1]!(2)).toBe(6);
  });

  it('the function source never travels', () => {
    function veryDistinctiveFunctionName_8f3a(): string {
      return 'SOURCE_MARKER_b41c';
    }
    registerFunction(veryDistinctiveFunctionName_8f3a, 'test.fn.src');
    const bytes = serialize(veryDistinctiveFunctionName_8f3a);
    expect(Buffer.from(bytes).includes('SOURCE_MARKER_b41c')).toBe(false);
  });

  it('duplicate function names are ERR_REGISTRY', () => {
    const f = (): number => 1;
    const g = (): number => 2;
    registerFunction(f, 'test.fn.dup');
    expectThrowsCode(() => registerFunction(g, 'test.fn.dup'), 'ERR_REGISTRY');
  });
});
