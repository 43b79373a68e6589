import { describe, expect, it } from 'vitest';
import { negotiate, type Transform } from './negotiation.ts';
import { StatusError } from './status.ts';

const table: ReadonlySet<Transform> = new Set(['Table']);
const discovery: ReadonlySet<Transform> = new Set(['APIGroupDiscoveryList']);

describe('negotiate', () => {
  it('answers JSON by default and for protobuf, which clients accept as JSON', () => {
    expect(negotiate(undefined)).toMatchObject({ format: 'json' });
    expect(negotiate('application/vnd.kubernetes.protobuf,application/json')).toMatchObject({
      format: 'json',
    });
    expect(negotiate('*/*')).toMatchObject({ format: 'json' });
    expect(negotiate('application/yaml')).toMatchObject({ format: 'yaml' });
  });

  it('gives kubectl get its Table, with the version it asked for', () => {
    const accept =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    expect(negotiate(accept, table)).toMatchObject({ as: 'Table', asVersion: 'v1' });
    // An endpoint that cannot make tables skips those clauses and answers plain JSON.
    expect(negotiate(accept).as).toBeUndefined();
  });

  it('gives kubectl aggregated discovery v2 first', () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    expect(negotiate(accept, discovery)).toMatchObject({ as: 'APIGroupDiscoveryList', asVersion: 'v2' });
  });

  it('honours q values', () => {
    expect(negotiate('application/json;q=0.5,application/yaml')).toMatchObject({ format: 'yaml' });
    expect(negotiate('application/yaml;q=0,application/json')).toMatchObject({ format: 'json' });
  });

  it('remembers that a watch asked for stream=watch', () => {
    expect(negotiate('application/json;stream=watch')).toMatchObject({ format: 'json', streamWatch: true });
  });

  it('refuses what it cannot produce with 406', () => {
    let err: unknown;
    try {
      negotiate('text/html');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(406);
    expect(() => negotiate('application/json;as=Table;g=meta.k8s.io;v=v1')).toThrow(StatusError);
  });
});
