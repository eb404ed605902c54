/**
 * The one event primitive (src/common/events): order, unsubscribing during a fire, throwing listeners,
 * clear, and the typed event map.
 */
import { describe, expect, it } from 'vitest';
import { Emitter } from '../../src/common/events/emitter';
import { EventMap } from '../../src/common/events/eventMap';

describe('Emitter', () => {
  it('calls listeners in subscription order with every argument', () => {
    const emitter = new Emitter<[name: string, count: number]>();
    const heard: string[] = [];
    emitter.event((name, count) => heard.push(`a:${name}:${count}`));
    emitter.event((name, count) => heard.push(`b:${name}:${count}`));
    emitter.fire('x', 1);
    expect(heard).toEqual(['a:x:1', 'b:x:1']);
  });

  it('keeps one subscription per function, and a stale unsubscribe leaves a later one alone', () => {
    const emitter = new Emitter<[number]>();
    const heard: number[] = [];
    const listener = (n: number) => heard.push(n);
    const first = emitter.event(listener);
    emitter.event(listener);
    emitter.fire(1);
    first();
    emitter.fire(2);
    const again = emitter.event(listener);
    first();
    emitter.fire(3);
    again();
    again();
    emitter.fire(4);
    expect(heard).toEqual([1, 3]);
  });

  it('does not call a listener removed during a fire, and calls one added during a fire from the next fire on', () => {
    const emitter = new Emitter();
    const heard: string[] = [];
    let stopB = () => {};
    const late = () => heard.push('late');
    emitter.event(() => {
      heard.push('a');
      stopB();
      emitter.event(late);
    });
    stopB = emitter.event(() => heard.push('b'));
    emitter.fire();
    emitter.fire();
    expect(heard).toEqual(['a', 'a', 'late']);
  });

  it('lets a listener unsubscribe itself while it runs', () => {
    const emitter = new Emitter<[number]>();
    const heard: number[] = [];
    const stop = emitter.event((n) => {
      heard.push(n);
      stop();
    });
    emitter.fire(1);
    emitter.fire(2);
    expect(heard).toEqual([1]);
  });

  it('calls every listener when one throws, then throws that error to the code that fired', () => {
    const emitter = new Emitter<[number]>();
    const heard: number[] = [];
    const boom = new Error('boom');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((n) => heard.push(n));
    expect(() => emitter.fire(7)).toThrow(boom);
    expect(heard).toEqual([7]);
  });

  it('throws an AggregateError of every error when several listeners throw', () => {
    const emitter = new Emitter();
    const one = new Error('one');
    const two = new Error('two');
    emitter.event(() => {
      throw one;
    });
    emitter.event(() => {
      throw two;
    });
    let caught: unknown;
    try {
      emitter.fire();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors).toEqual([one, two]);
  });

  it('hands errors to onListenerError, with the fired arguments, and returns normally', () => {
    const reported: Array<[unknown, string]> = [];
    const emitter = new Emitter<[string]>({ onListenerError: (error, value) => reported.push([error, value]) });
    const heard: string[] = [];
    const boom = new Error('boom');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((value) => heard.push(value));
    emitter.fire('v');
    expect(reported).toEqual([[boom, 'v']]);
    expect(heard).toEqual(['v']);
  });

  it('throws what onListenerError throws, after every listener ran', () => {
    const broken = new Error('reporter broke');
    const emitter = new Emitter({
      onListenerError: () => {
        throw broken;
      },
    });
    let ran = false;
    emitter.event(() => {
      throw new Error('listener broke');
    });
    emitter.event(() => {
      ran = true;
    });
    expect(() => emitter.fire()).toThrow(broken);
    expect(ran).toBe(true);
  });

  it('clear removes every listener and the emitter stays usable', () => {
    const emitter = new Emitter<[number]>();
    const heard: number[] = [];
    const stale = emitter.event((n) => heard.push(n));
    emitter.clear();
    emitter.fire(1);
    emitter.event((n) => heard.push(n * 10));
    stale();
    emitter.fire(2);
    expect(heard).toEqual([20]);
  });
});

describe('EventMap', () => {
  it('delivers each named event to its own listeners only', () => {
    const events = new EventMap<{ opened: [id: string]; moved: [from: number, to: number] }>();
    const heard: string[] = [];
    const stop = events.on('opened', (id) => heard.push(`opened ${id}`));
    events.on('moved', (from, to) => heard.push(`moved ${from}→${to}`));
    events.fire('opened', 'a');
    events.fire('moved', 1, 2);
    stop();
    events.fire('opened', 'b');
    expect(heard).toEqual(['opened a', 'moved 1→2']);
  });

  it('firing an event nobody listens to does nothing', () => {
    const events = new EventMap<{ opened: [id: string] }>();
    expect(() => events.fire('opened', 'a')).not.toThrow();
  });
});
