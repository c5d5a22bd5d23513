import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerClass } from '../../src/codec/index.js';
import { rt, rtSame } from './helpers/roundtrip.js';

describe('Error and its subclasses', () => {
  it('a plain Error keeps name, message, stack and prototype', () => {
    const e = new Error('boom');
    const out = rt(e);
    expect(out).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(out)).toBe(Error.prototype);
    expect(out.name).toBe('Error');
    expect(out.message).toBe('boom');
    expect(out.stack).toBe(e.stack);
    rtSame(e);
  });

  it('loaded errors are native errors (what util.inspect, structuredClone and loggers test)', () => {
    const out = rt([new Error('e'), new TypeError('t'), new AggregateError([], 'a')]);
    for (const e of out) {
      expect(types.isNativeError(e)).toBe(true);
      expect(Object.prototype.toString.call(e)).toBe('[object Error]');
    }
  });

  it('built-in subclasses come back as themselves', () => {
    const errors = [
      new TypeError('t'),
      new RangeError('r'),
      new SyntaxError('s'),
      new ReferenceError('ref'),
      new EvalError('ev'),
      new URIError('u'),
    ];
    const out = rt(errors);
    for (let i = 0; i < errors.length; i++) {
      expect(Object.getPrototypeOf(out[i])).toBe(Object.getPrototypeOf(errors[i]));
      expect(out[i]!.name).toBe(errors[i]!.name);
      expect(out[i]!.message).toBe(errors[i]!.message);
      expect(out[i]!.stack).toBe(errors[i]!.stack);
    }
    rtSame(errors);
  });

  it('cause (any value, incl. another error and undefined) is kept', () => {
    const root = new RangeError('root');
    const e = new Error('outer', { cause: root });
    const out = rt(e);
    expect(out.cause).toBeInstanceOf(RangeError);
    expect((out.cause as Error).message).toBe('root');
    rtSame(e);
    rtSame(new Error('x', { cause: { code: 42, list: [1n] } }));
    const undefCause = rt(new Error('x', { cause: undefined }));
    expect('cause' in undefCause).toBe(true);
    expect('cause' in rt(new Error('no cause'))).toBe(false);
  });

  it('AggregateError keeps errors, message and cause', () => {
    const agg = new AggregateError([new TypeError('a'), new Error('b'), 'not an error'], 'many', {
      cause: 'why',
    });
    const out = rt(agg);
    expect(out).toBeInstanceOf(AggregateError);
    expect(out.errors).toHaveLength(3);
    expect(out.errors[0]).toBeInstanceOf(TypeError);
    expect(out.errors[2]).toBe('not an error');
    expect(out.message).toBe('many');
    expect(out.cause).toBe('why');
    rtSame(agg);
  });

  it('own extra properties are kept', () => {
    const e = Object.assign(new Error('with props'), {
      code: 'E_THING',
      status: 503,
      meta: { a: [1] },
    });
    const out = rt(e);
    expect(out.code).toBe('E_THING');
    expect(out.status).toBe(503);
    expect(out.meta).toEqual({ a: [1] });
    rtSame(e);
  });

  it('an error with a missing stack and a custom message-less error', () => {
    const e = new Error();
    delete (e as { stack?: string }).stack;
    const out = rt(e);
    expect(out.message).toBe('');
    expect(out.stack).toBe(e.stack);
  });

  it('an unregistered user subclass comes back as Error with its name kept', () => {
    class ValidationError extends Error {
      field = 'email';
      constructor(msg: string) {
        super(msg);
        this.name = 'ValidationError';
      }
    }
    class ProtoNamed extends Error {}
    ProtoNamed.prototype.name = 'ProtoNamed';
    const out = rt([new ValidationError('bad email'), new ProtoNamed('p')]);
    expect(Object.getPrototypeOf(out[0])).toBe(Error.prototype);
    expect(out[0]!.name).toBe('ValidationError');
    expect(out[0]!.message).toBe('bad email');
    expect((out[0] as unknown as { field: string }).field).toBe('email');
    expect(Object.getPrototypeOf(out[1])).toBe(Error.prototype);
    expect(out[1]!.name).toBe('ProtoNamed');
  });

  it('a subclass of a built-in subclass, unregistered, keeps its name', () => {
    class NotFound extends RangeError {
      override name = 'NotFound';
    }
    const out = rt(new NotFound('nf'));
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe('NotFound');
    expect(out.message).toBe('nf');
  });

  it('a registered user subclass comes back as itself', () => {
    class HttpError extends Error {
      constructor(
        public status: number,
        msg: string,
        opts?: ErrorOptions,
      ) {
        super(msg, opts);
        this.name = 'HttpError';
      }
    }
    registerClass(HttpError, { name: 'test.HttpError' });
    const e = new HttpError(404, 'missing', { cause: new TypeError('inner') });
    const out = rt({ e, again: e });
    expect(out.e).toBeInstanceOf(HttpError);
    expect(out.e).toBeInstanceOf(Error);
    expect(out.e.status).toBe(404);
    expect(out.e.message).toBe('missing');
    expect(out.e.name).toBe('HttpError');
    expect(out.e.cause).toBeInstanceOf(TypeError);
    expect(out.again).toBe(out.e);
  });

  it('an error that references itself through cause keeps the cycle', () => {
    const e = new Error('self') as Error & { self?: unknown };
    e.cause = e;
    e.self = { e };
    const out = rt(e);
    expect(out.cause).toBe(out);
    expect((out.self as { e: unknown }).e).toBe(out);
  });
});
