import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { GraphError, graph, toGraphError } from './graph-errors.ts';
import { SendBodyError } from './send-body.ts';

describe('Graph errors', () => {
  it('have the shape and codes clients read', () => {
    const body = graph.window().toBody();
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'error_subcode', 'fbtrace_id', 'message', 'type']);
    assert.deepEqual([body.error.code, body.error.error_subcode, body.error.type], [10, 2018278, 'OAuthException']);
    assert.equal('error_subcode' in graph.token().toBody().error, false);
    assert.equal(graph.token().code, 190);
    assert.deepEqual([graph.noUser().code, graph.noUser().subcode], [100, 2018001]);
  });

  it('turn every error of the services into one, never a 5xx for bad input', () => {
    const cases: [unknown, number, number | null][] = [
      [new AppError('rate_limited'), 613, null],
      [new AppError('conversation_not_found'), 100, 2018001],
      [new AppError('message_empty'), 100, 2018034],
      [new AppError('message_too_long'), 100, null],
      [new AppError('bad_request', 'x'), 100, null],
      [new AppError('payload_too_large'), 100, 2018109],
      [new SendBodyError('message[text]', 'too long'), 100, null],
    ];
    for (const [e, code, subcode] of cases) {
      const g = toGraphError(e);
      assert.ok(g instanceof GraphError);
      assert.deepEqual([g.code, g.subcode], [code, subcode], String(e));
      assert.ok(g.status < 500, String(e));
    }
    assert.match(
      toGraphError(new SendBodyError('message[text]', 'too long')).message,
      /^\(#100\) param message\[text\]: too long$/,
    );
    assert.equal(toGraphError(new AppError('storage_unavailable')).status, 503, 'transient: clients may retry');
    assert.equal(toGraphError(new Error('boom')).status, 500);
  });
});
